import Foundation
import Synchronization
import Transport

/// A small HTTP/1.1 server on Transport's TCP listener (keep-alive, chunked streaming), enough
/// for URLSession to talk to the Kubernetes API double. Loopback only.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPServerReply

    public let port: UInt16
    private let listener: TCPListener
    private let connections = Mutex<[Int: TCPConnection]>([:])
    private let nextConnectionID = Mutex(0)
    private let acceptTask = Mutex<Task<Void, Never>?>(nil)
    /// A keep-alive connection with no request for this long is closed.
    static let idleTimeout: Duration = .seconds(120)

    private init(listener: TCPListener) {
        self.listener = listener
        self.port = listener.port
    }

    /// Listens on 127.0.0.1 (port 0: any free port) and serves each connection in its own task.
    public static func start(port: UInt16 = 0, handler: @escaping Handler) async throws -> HTTPServer {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: port)
        let server = HTTPServer(listener: listener)
        let task = Task {
            await withDiscardingTaskGroup { group in
                while true {
                    let connection: TCPConnection
                    do {
                        connection = try await listener.accept(deadline: .never)
                    } catch let error as TransportError where error.kind == .closed {
                        return
                    } catch is CancellationError {
                        return
                    } catch {
                        try? await Task.sleep(for: .milliseconds(50))
                        continue
                    }
                    let id = server.register(connection)
                    group.addTask {
                        await server.serve(connection, handler: handler)
                        server.unregister(id)
                    }
                }
            }
        }
        server.acceptTask.withLock { $0 = task }
        return server
    }

    /// Stops listening and closes every connection (streams and hung requests end).
    public func stop() async {
        listener.close()
        let open = connections.withLock { $0.values }
        for connection in open { connection.close() }
        if let task = acceptTask.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
    }

    private func register(_ connection: TCPConnection) -> Int {
        let id = nextConnectionID.withLock { value in
            value += 1
            return value
        }
        connections.withLock { $0[id] = connection }
        return id
    }

    private func unregister(_ id: Int) {
        _ = connections.withLock { $0.removeValue(forKey: id) }
    }

    private func serve(_ connection: TCPConnection, handler: Handler) async {
        defer { connection.close() }
        var reader = HTTPRequestReader(stream: connection, idleDeadline: Self.idleTimeout)
        while true {
            let request: HTTPRequest
            do {
                request = try await reader.next {
                    try await connection.write(
                        Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: .after(.seconds(10)))
                }
            } catch HTTPRequestReader.Failure.tooLarge(let status) {
                try? await writeFull(connection, status: status, contentType: "text/plain", body: [], close: true)
                return
            } catch {
                return
            }
            let close = request.header("Connection")?.lowercased() == "close"
            let reply = await handler(request)
            do {
                switch reply {
                case .full(let status, let contentType, let body, let headers):
                    try await writeFull(
                        connection, status: status, contentType: contentType, body: body, headers: headers, close: close
                    )
                case .stream(let status, let contentType, let producer):
                    try await writeStream(connection, status: status, contentType: contentType, producer: producer)
                case .hang:
                    // A request that never reaches the server: the client sends nothing more on
                    // this connection, so the read returns only when it closes it.
                    _ = try? await connection.read(maxBytes: 1, deadline: .never)
                    return
                case .closeConnection:
                    return
                }
            } catch {
                return
            }
            if close { return }
        }
    }

    private func writeFull(
        _ connection: TCPConnection, status: Int, contentType: String, body: [UInt8], headers: [(String, String)] = [],
        close: Bool
    ) async throws {
        var head = "HTTP/1.1 \(status) \(HTTPStatusText.phrase(status))\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if close { head += "Connection: close\r\n" }
        head += "\r\n"
        try await connection.write(Array(head.utf8) + body, deadline: .after(.seconds(30)))
    }

    private func writeStream(
        _ connection: TCPConnection, status: Int, contentType: String,
        producer: @Sendable (HTTPChunkWriter) async throws -> Void
    ) async throws {
        let head =
            "HTTP/1.1 \(status) \(HTTPStatusText.phrase(status))\r\nContent-Type: \(contentType)\r\n"
            + "Transfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\n\r\n"
        try await connection.write(Array(head.utf8), deadline: .after(.seconds(30)))
        let writer = HTTPChunkWriter(
            write: { bytes in try await connection.write(bytes, deadline: .after(.seconds(30))) },
            abortConnection: { connection.close() })
        try await producer(writer)
        try await connection.write(Array("0\r\n\r\n".utf8), deadline: .after(.seconds(30)))
    }
}
