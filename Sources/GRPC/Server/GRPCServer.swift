public import Logging
import Synchronization
import HTTP2
import Transport

/// A gRPC server over our HTTP/2 engine: one task per connection, one per call.
///
/// ```swift
/// let server = try await GRPCServer.bind(configuration, services: registry, logger: logger)
/// async let serving: Void = server.run()
/// ...
/// await server.shutdown(gracePeriod: .seconds(10))
/// ```
public final class GRPCServer: Sendable {
    public let configuration: GRPCServerConfiguration
    private let listener: TCPListener
    private let runner: ServerCallRunner
    private let logger: Logger
    private let sessions = Mutex<[ObjectIdentifier: HTTP2Session]>([:])
    private let shuttingDown = Atomic<Bool>(false)

    /// The bound port (the kernel's choice when the configuration says 0).
    public var port: UInt16 { listener.port }

    private init(
        configuration: GRPCServerConfiguration, listener: TCPListener, registry: ServiceRegistry, logger: Logger
    ) {
        self.configuration = configuration
        self.listener = listener
        self.logger = logger
        self.runner = ServerCallRunner(registry: registry, configuration: configuration, logger: logger)
    }

    /// Binds the listening socket; calls are served once `run()` is called.
    public static func bind(
        _ configuration: GRPCServerConfiguration, services: ServiceRegistry, logger: Logger
    ) async throws -> GRPCServer {
        let listener = try await TCPListener.bind(host: configuration.host, port: configuration.port)
        return GRPCServer(configuration: configuration, listener: listener, registry: services, logger: logger)
    }

    /// Accepts and serves connections until `shutdown`, then waits for every connection to end.
    public func run() async throws {
        logger.info("grpc server listening", metadata: ["grpc.port": "\(port)"])
        await withDiscardingTaskGroup { group in
            while let tcp = await nextConnection() {
                if sessions.withLock({ $0.count }) >= configuration.maxConnections {
                    logger.notice(
                        "grpc connection refused: too many connections",
                        metadata: ["grpc.peer": "\(tcp.peerDescription)"])
                    tcp.close()
                    continue
                }
                group.addTask { await self.serve(tcp) }
            }
        }
        logger.info("grpc server stopped", metadata: ["grpc.port": "\(port)"])
    }

    /// Stops accepting, sends GOAWAY on every connection so calls in progress can finish, and
    /// after `gracePeriod` closes whatever is left (their handlers are cancelled).
    public func shutdown(gracePeriod: Duration) async {
        shuttingDown.store(true, ordering: .releasing)
        listener.close()
        for session in sessions.withLock({ Array($0.values) }) {
            session.drain()
        }
        let deadline = ContinuousClock.now + gracePeriod
        while ContinuousClock.now < deadline, sessions.withLock({ !$0.isEmpty }) {
            try? await Task.sleep(for: Self.shutdownPollInterval)
        }
        for session in sessions.withLock({ Array($0.values) }) {
            session.close(GRPCStatus(.unavailable, "server shutting down"))
            session.transport.close()
        }
    }

    /// The next accepted connection; nil once the listener is closed (shutdown). Running out of
    /// descriptors or buffers is survived: pause, then accept again.
    private func nextConnection() async -> TCPConnection? {
        while true {
            do {
                return try await listener.accept(deadline: .never)
            } catch let error as TransportError where error.kind == .closed {
                return nil
            } catch is CancellationError {
                return nil
            } catch {
                logger.warning("grpc accept failed; pausing", metadata: ["grpc.error": "\(error)"])
                do {
                    try await Task.sleep(for: Self.acceptRetryPause)
                } catch {
                    return nil
                }
            }
        }
    }

    /// Pause after an accept failure such as EMFILE: retrying at once would spin while nothing
    /// has been freed.
    static let acceptRetryPause = Duration.milliseconds(100)

    /// How often shutdown looks whether every connection has drained.
    static let shutdownPollInterval = Duration.milliseconds(20)

    private func serve(_ tcp: TCPConnection) async {
        let transport: any ByteStream
        switch configuration.security {
        case .plaintext:
            transport = tcp
        case .tls(let context):
            do {
                let tls = try await TLSConnection.accept(
                    over: tcp, context: context, deadline: .after(configuration.tlsHandshakeTimeout))
                // RFC 9113 §3.2: HTTP/2 over TLS is negotiated with ALPN; a client that offered
                // ALPN without h2 was already refused by the TLS layer.
                guard tls.negotiatedProtocol == nil || tls.negotiatedProtocol == "h2" else {
                    tls.close()
                    return
                }
                transport = tls
            } catch {
                logger.debug(
                    "grpc TLS handshake failed",
                    metadata: ["grpc.peer": "\(tcp.peerDescription)", "grpc.error": "\(error)"])
                return
            }
        }
        let session: HTTP2Session
        do {
            session = try HTTP2Session(
                role: .server, transport: transport, configuration: configuration.connection, logger: logger)
        } catch {
            logger.error("grpc connection not served", metadata: ["grpc.error": "\(error)"])
            transport.close()
            return
        }
        let key = ObjectIdentifier(session)
        sessions.withLock { $0[key] = session }
        if shuttingDown.load(ordering: .acquiring) { session.drain() }
        await withDiscardingTaskGroup { group in
            group.addTask { await session.run() }
            for await incoming in session.incomingStreams {
                group.addTask { await self.runner.serve(incoming, on: session) }
            }
        }
        sessions.withLock { $0[key] = nil }
    }
}
