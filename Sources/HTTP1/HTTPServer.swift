public import Logging
import Synchronization
public import Transport

/// An HTTP/1.1 server over Transport's sockets (optionally TLS), one task per connection.
///
/// Bounded everywhere: a connection must deliver a whole request within `requestTimeout` (a
/// slow-loris client is answered 408 and dropped), idle keep-alive connections close after
/// `idleTimeout`, every write must finish within `writeTimeout` (a client that stops reading
/// cannot hold a streaming response forever), and at most `maximumConnections` are served at
/// once (more are closed on accept).
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: UInt16
        /// Serve HTTPS with these files; nil serves plain HTTP.
        public var tls: TLSServerConfiguration?
        public var limits: HTTP1Limits
        public var idleTimeout: Duration
        public var requestTimeout: Duration
        public var writeTimeout: Duration
        public var handshakeTimeout: Duration
        public var maximumConnections: Int
        /// Renders framing errors (400, 408, 413, 431...) found before a request reached the
        /// responder, so they look like the application's own errors.
        public var errorResponse: @Sendable (_ status: Int, _ reason: String) -> HTTPResponse

        public init(
            host: String = "0.0.0.0", port: UInt16 = 8080, tls: TLSServerConfiguration? = nil,
            limits: HTTP1Limits = HTTP1Limits(), idleTimeout: Duration = .seconds(60),
            requestTimeout: Duration = .seconds(30), writeTimeout: Duration = .seconds(30),
            handshakeTimeout: Duration = .seconds(10), maximumConnections: Int = 1024,
            errorResponse: @escaping @Sendable (Int, String) -> HTTPResponse = HTTPServer.plainErrorResponse
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.limits = limits
            self.idleTimeout = idleTimeout
            self.requestTimeout = requestTimeout
            self.writeTimeout = writeTimeout
            self.handshakeTimeout = handshakeTimeout
            self.maximumConnections = maximumConnections
            self.errorResponse = errorResponse
        }
    }

    public let configuration: Configuration
    private let listener: TCPListener
    private let tlsContext: TLSServerContext?
    private let responder: any HTTPResponder
    private let logger: Logger
    private let openConnections = Atomic<Int>(0)

    /// The bound port (the kernel's choice when configured with port 0).
    public var port: UInt16 { listener.port }
    /// Connections being served right now.
    public var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    private init(
        configuration: Configuration, listener: TCPListener, tlsContext: TLSServerContext?,
        responder: any HTTPResponder, logger: Logger
    ) {
        self.configuration = configuration
        self.listener = listener
        self.tlsContext = tlsContext
        self.responder = responder
        self.logger = logger
    }

    /// Binds the listening socket (and loads the TLS files) without serving yet, so a bad
    /// address or certificate fails at start.
    public static func bind(
        _ configuration: Configuration, responder: some HTTPResponder, logger: Logger
    ) async throws -> HTTPServer {
        let context = try configuration.tls.map { configuration throws(TransportError) in
            var tls = configuration
            tls.applicationProtocols = ["http/1.1"]
            return try TLSServerContext(configuration: tls)
        }
        let listener = try await TCPListener.bind(host: configuration.host, port: configuration.port)
        return HTTPServer(
            configuration: configuration, listener: listener, tlsContext: context, responder: responder,
            logger: logger)
    }

    /// Accepts and serves connections until `close()` or cancellation of the calling task.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let connection: TCPConnection
                do {
                    connection = try await listener.accept(deadline: .never)
                } catch let error as TransportError where error.kind == .closed {
                    break
                } catch is CancellationError {
                    break
                } catch {
                    // Descriptor exhaustion: back off instead of spinning.
                    logger.warning("accept failed", metadata: ["http.error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                let open = openConnections.add(1, ordering: .relaxed).newValue
                guard open <= configuration.maximumConnections else {
                    openConnections.subtract(1, ordering: .relaxed)
                    connection.close()
                    continue
                }
                group.addTask {
                    await self.serve(connection)
                    self.openConnections.subtract(1, ordering: .relaxed)
                }
            }
        }
    }

    /// Stops accepting; connections being served finish when their task is cancelled or their
    /// client leaves.
    public func close() {
        listener.close()
    }

    // MARK: One connection

    private func serve(_ tcp: TCPConnection) async {
        let stream: any ByteStream
        if let tlsContext {
            do {
                stream = try await TLSConnection.accept(
                    over: tcp, context: tlsContext, deadline: .after(configuration.handshakeTimeout))
            } catch {
                logger.debug("TLS handshake failed", metadata: ["http.peer": "\(tcp.peerDescription)"])
                return
            }
        } else {
            stream = tcp
        }
        defer { stream.close() }
        var connection = HTTPConnectionLoop(
            stream: stream, configuration: configuration, responder: responder, logger: logger)
        await connection.run()
    }

    /// `{"error": reason}` as JSON: the default for framing errors.
    public static func plainErrorResponse(status: Int, reason: String) -> HTTPResponse {
        let escaped = reason.replacingJSONSpecials()
        return HTTPResponse(
            status: status, headers: ["Content-Type": "application/json"],
            body: Array("{\"error\":\"\(escaped)\"}".utf8))
    }
}

extension String {
    fileprivate func replacingJSONSpecials() -> String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
