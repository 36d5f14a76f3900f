/// Defensive limits. Each has a default sized for a gRPC control plane and the reason it exists.
public struct HTTP2Limits: Hashable, Sendable {
    /// The largest joined HEADERS + CONTINUATION block, in bytes. Bounds what a
    /// peer can make us buffer before HPACK even runs (CONTINUATION flood,
    /// CVE-2024-27316). 64 KiB is four times our default header-list limit.
    public static let defaultMaxHeaderBlockSize = 65_536

    /// How many closed streams are remembered, to tell a late frame on a closed
    /// stream (answer with RST_STREAM or ignore) from a protocol error. Without a
    /// bound, a long-lived connection would grow this forever.
    public static let defaultMaxClosedStreams = 4_096

    public var maxHeaderBlockSize = defaultMaxHeaderBlockSize
    public var maxClosedStreams = defaultMaxClosedStreams

    /// Answers we queued (SETTINGS ACK, PING ACK, RST_STREAM) that the caller
    /// has not drained with `dataToSend()`. A peer that floods PINGs or SETTINGS
    /// while not reading our replies grows our output without bound
    /// (CVE-2019-9512 "Ping Flood", CVE-2019-9515 "Settings Flood"). Same value
    /// as Go's net/http2 `maxQueuedControlFrames`.
    public var maxQueuedControlFrames = 10_000

    /// RST_STREAM frames the peer may send, and streams we may have to refuse,
    /// per interval. Opening and immediately cancelling streams costs the peer
    /// nothing and us a request each ("Rapid Reset", CVE-2023-44487). Netty's
    /// default is 200 per 30 s.
    public var maxResetsPerInterval = 200

    /// Frames that carry nothing and do nothing: empty DATA without END_STREAM,
    /// PRIORITY, and unknown frame types. A flood of them burns CPU for free
    /// (CVE-2019-9518 "Empty Frames Flood").
    public var maxEmptyFramesPerInterval = 1_000

    /// The window over which the two counters above are measured.
    public var floodInterval: Duration = .seconds(30)

    /// SETTINGS frames we may have sent that the peer has not acknowledged yet.
    /// The shell should time out an ACK anyway (SETTINGS_TIMEOUT); this stops
    /// a caller bug from queueing settings forever.
    public var maxUnacknowledgedSettings = 16

    public init() {}
}
