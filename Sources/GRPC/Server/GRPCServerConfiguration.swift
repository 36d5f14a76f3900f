public import Transport

/// How a `GRPCServer` listens and what it allows. Every limit has its reason next to it.
public struct GRPCServerConfiguration: Sendable {
    /// Plaintext HTTP/2 with prior knowledge (h2c: tests, development, a mesh that adds TLS),
    /// or TLS with ALPN `h2`.
    public enum Security: Sendable {
        case plaintext
        case tls(TLSServerContext)
    }

    /// The address to bind, numeric or a name. Default `0.0.0.0`.
    public var host: String
    /// 0 lets the kernel choose (tests); `GRPCServer.port` reports it.
    public var port: UInt16
    public var security: Security
    /// HTTP/2 settings, keepalive and ping policy of each connection. Default: the server
    /// keepalive of grpc-core (a PING after 2 hours of quiet, 20 s to answer) and its ping
    /// abuse policy (PINGs at most every 5 minutes, 2 strikes).
    public var connection: SessionConfiguration
    /// The largest request message accepted (after decompression), in bytes. Default 4 MiB,
    /// the limit of every gRPC implementation; larger ones end the call RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize: Int
    /// Connections served at once; more are closed on accept. Each costs a task, buffers and
    /// up to `maxConcurrentStreams` handlers, so the total must be bounded. Default 1,024.
    public var maxConnections: Int
    /// Encodings accepted for requests and offered for responses, in preference order.
    /// Default gzip, deflate, identity.
    public var supportedEncodings: [CompressionAlgorithm]
    /// Whether handlers compress responses unless they say otherwise (`ServerContext`).
    /// Default false: most control-plane messages are small and CPU matters more.
    public var compressResponsesByDefault: Bool
    /// The TLS handshake must finish within this time. Default 10 s.
    public var tlsHandshakeTimeout: Duration
    /// Run in order before each handler (authentication).
    public var interceptors: [any ServerInterceptor]

    public init(
        host: String = "0.0.0.0", port: UInt16, security: Security = .plaintext,
        connection: SessionConfiguration = GRPCServerConfiguration.defaultConnection,
        maxReceiveMessageSize: Int = 4 << 20, maxConnections: Int = 1_024,
        supportedEncodings: [CompressionAlgorithm] = [.gzip, .deflate, .identity],
        compressResponsesByDefault: Bool = false, tlsHandshakeTimeout: Duration = .seconds(10),
        interceptors: [any ServerInterceptor] = []
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.connection = connection
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxConnections = maxConnections
        self.supportedEncodings = supportedEncodings
        self.compressResponsesByDefault = compressResponsesByDefault
        self.tlsHandshakeTimeout = tlsHandshakeTimeout
        self.interceptors = interceptors
    }

    public static var defaultConnection: SessionConfiguration {
        SessionConfiguration(
            keepalive: KeepaliveConfiguration(
                interval: .seconds(7_200), timeout: .seconds(20), permitWithoutCalls: true),
            pingAbusePolicy: PingAbusePolicy.Configuration())
    }

    /// The encoding for responses: our first preference the client accepts.
    func responseEncoding(acceptedByClient accepted: [CompressionAlgorithm]) -> CompressionAlgorithm {
        supportedEncodings.first { $0 != .identity && accepted.contains($0) } ?? .identity
    }
}
