import FoundationEssentials
public import Logging
import Transport

/// Serves the supervisor's control socket: one JSON request per line, one JSON response per line.
/// The socket file is mode 0600 in a directory shared only with the sidecar container.
public final class ControlServer: Sendable {
    let listener: UnixListener
    let supervisor: Supervisor
    let logger: Logger

    public init(path: String, supervisor: Supervisor, logger: Logger) throws {
        listener = try UnixSocket.listen(path: path, mode: 0o600)
        self.supervisor = supervisor
        self.logger = logger
    }

    /// Accepts connections until `close()`; each is served by a task of its own, so a long
    /// command (a rewind) never blocks a status request on another connection.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            while let connection = try? await listener.accept(deadline: .never) {
                group.addTask { await self.serve(connection) }
            }
            group.cancelAll()
        }
    }

    public func close() { listener.close() }

    private func serve(_ connection: TCPConnection) async {
        defer { connection.close() }
        let channel = LineChannel(stream: connection)
        var buffer: [UInt8] = []
        do {
            while let line = try await channel.receiveLine(buffer: &buffer, deadline: .never) {
                let response: SupervisorResponse
                do {
                    let request = try JSONDecoder().decode(SupervisorRequest.self, from: Data(line))
                    let (error, status) = await supervisor.handle(request.command)
                    response = SupervisorResponse(id: request.id, error: error, status: status)
                } catch {
                    response = SupervisorResponse(id: 0, error: "malformed request", status: await supervisor.status())
                }
                try await channel.send(response, deadline: .after(.seconds(10)))
            }
        } catch {
            logger.debug("control connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// The sidecar's side of the control socket.
public struct SupervisorClient: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Sends `command` and waits for the answer. Long commands (follow, bootstrap) take as long as
    /// the work they do; pass a timeout that fits.
    public func send(_ command: SupervisorCommand, timeout: Duration) async throws -> SupervisorResponse {
        let deadline = Deadline.after(timeout)
        let connection = try await UnixSocket.connect(path: path, deadline: deadline)
        defer { connection.close() }
        let channel = LineChannel(stream: connection)
        try await channel.send(SupervisorRequest(id: 1, command: command), deadline: deadline)
        var buffer: [UInt8] = []
        guard let line = try await channel.receiveLine(buffer: &buffer, deadline: deadline) else {
            throw SupervisorError.failed("supervisor closed the control connection")
        }
        return try JSONDecoder().decode(SupervisorResponse.self, from: Data(line))
    }
}
