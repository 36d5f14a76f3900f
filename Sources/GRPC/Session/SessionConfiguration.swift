public import HTTP2

/// Limits and timers of one HTTP/2 connection carrying gRPC calls (server or client side).
public struct SessionConfiguration: Sendable {
    /// The HTTP/2 engine's settings. `inboundFlowControl` is always `.manual`: received bytes are
    /// acknowledged only once the call has taken them, so a slow handler stops its peer.
    public var http2: HTTP2Configuration
    /// Our keepalive PINGs; nil sends none.
    public var keepalive: KeepaliveConfiguration?
    /// How we judge the peer's PINGs; nil accepts any rate (the engine's flood limits still apply).
    public var pingAbusePolicy: PingAbusePolicy.Configuration?
    /// The peer must complete the HTTP/2 handshake (its SETTINGS, and its ACK of ours) within
    /// this time, or the connection is closed: a socket that says nothing must not hold resources.
    public var handshakeTimeout: Duration
    /// Bytes a call may queue for sending before `send` waits for the peer to take them: enough
    /// to keep a fast stream busy, small enough that thousands of streams stay cheap.
    public var outboundHighWaterMark: Int
    /// Received bytes all calls of the connection may hold for messages not handed over yet
    /// (mostly partial messages). Each call may receive `maxReceiveMessageSize`, but 100 streams
    /// of 4 MiB each must not pin 400 MiB: the call that would go beyond this fails with
    /// RESOURCE_EXHAUSTED. Default 64 MiB.
    public var maxBufferedMessageBytes: Int
    /// How long closing waits for queued bytes to leave before it drops the socket anyway.
    public var closeFlushTimeout: Duration
    /// How long a connection we close after an error keeps reading (and ignoring) input once its
    /// GOAWAY is out, so the peer can read the GOAWAY before our close resets the connection.
    public var lingerTimeout: Duration
    /// How long one write may wait for a peer that does not read. Flow control already stops
    /// us sending more than the peer asked for, so a stall this long means the peer is stuck.
    public var writeTimeout: Duration

    public init(
        http2: HTTP2Configuration = SessionConfiguration.defaultHTTP2, keepalive: KeepaliveConfiguration? = nil,
        pingAbusePolicy: PingAbusePolicy.Configuration? = nil, handshakeTimeout: Duration = .seconds(10),
        outboundHighWaterMark: Int = 256 * 1024, maxBufferedMessageBytes: Int = 64 << 20,
        closeFlushTimeout: Duration = .seconds(5),
        writeTimeout: Duration = .seconds(60), lingerTimeout: Duration = .seconds(2)
    ) {
        self.http2 = http2
        self.keepalive = keepalive
        self.pingAbusePolicy = pingAbusePolicy
        self.handshakeTimeout = handshakeTimeout
        self.outboundHighWaterMark = outboundHighWaterMark
        self.maxBufferedMessageBytes = maxBufferedMessageBytes
        self.closeFlushTimeout = closeFlushTimeout
        self.writeTimeout = writeTimeout
        self.lingerTimeout = lingerTimeout
    }

    /// HTTP/2 defaults for gRPC: a 1 MiB stream window and an 8 MiB connection window, so large
    /// messages do not crawl at 64 KiB per round trip; memory stays bounded because windows are
    /// only refilled as calls consume what they received.
    public static var defaultHTTP2: HTTP2Configuration {
        var configuration = HTTP2Configuration()
        configuration.initialStreamWindowSize = 1 << 20
        configuration.connectionWindowSize = 8 << 20
        configuration.inboundFlowControl = .manual
        return configuration
    }

    /// Bytes asked of the transport per read: a few frames at once, bounded by Transport's cap.
    static let readChunkSize = 64 * 1024
}
