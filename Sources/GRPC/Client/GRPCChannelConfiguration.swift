public import Transport

/// Where and how a `GRPCChannel` connects.
public struct GRPCChannelConfiguration: Sendable {
    /// h2c with prior knowledge, or TLS (ALPN `h2` required).
    public enum Security: Sendable {
        case plaintext
        /// `serverNameOverride` replaces the host for certificate checks, SNI and `:authority`
        /// (a certificate issued for a service name, dialled by address).
        case tls(TLSClientContext, serverNameOverride: String? = nil)
    }

    public var host: String
    public var port: UInt16
    public var security: Security
    /// One connection attempt (TCP, TLS) must finish within this. Default 20 s, the gRPC
    /// minimum connect timeout (connection-backoff.md).
    public var connectTimeout: Duration
    /// Delays between failed attempts.
    public var backoff: ConnectionBackoff
    /// HTTP/2 settings and keepalive of the connection. Default: no keepalive PINGs (gRPC's
    /// client default); set one to notice dead peers behind NATs.
    public var connection: SessionConfiguration
    /// The largest response message accepted (after decompression). Default 4 MiB.
    public var maxReceiveMessageSize: Int
    /// Encodings we accept for responses and may use for requests.
    public var supportedEncodings: [CompressionAlgorithm]
    /// The timeout of calls that set none; nil means no deadline.
    public var defaultTimeout: Duration?

    public init(
        host: String, port: UInt16, security: Security = .plaintext, connectTimeout: Duration = .seconds(20),
        backoff: ConnectionBackoff = ConnectionBackoff(), connection: SessionConfiguration = SessionConfiguration(),
        maxReceiveMessageSize: Int = 4 << 20,
        supportedEncodings: [CompressionAlgorithm] = [.gzip, .deflate, .identity],
        defaultTimeout: Duration? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.connectTimeout = connectTimeout
        self.backoff = backoff
        self.connection = connection
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.supportedEncodings = supportedEncodings
        self.defaultTimeout = defaultTimeout
    }

    /// `:authority`: the override name or the host, with the port.
    var authority: String {
        let name: String
        switch security {
        case .plaintext: name = host
        case .tls(_, let override): name = override ?? host
        }
        let bracketed = name.contains(":") ? "[\(name)]" : name
        return "\(bracketed):\(port)"
    }

    var scheme: String {
        switch security {
        case .plaintext: "http"
        case .tls: "https"
        }
    }
}
