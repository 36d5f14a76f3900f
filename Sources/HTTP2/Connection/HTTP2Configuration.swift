/// Which end of the connection this engine is.
public enum HTTP2Role: Hashable, Sendable {
    /// Sends the connection preface and opens odd-numbered streams.
    case client
    /// Expects the preface and accepts streams; never pushes.
    case server
}

/// Who decides when received DATA may be replaced in the peer's window.
public enum InboundFlowControlStrategy: Hashable, Sendable {
    /// Data counts as consumed as soon as it is delivered in an event: simplest, no backpressure.
    case automatic
    /// The caller reports consumed bytes with `acknowledgeReceivedData`, so a slow
    /// consumer stops the peer instead of buffering without bound.
    case manual
}

/// How an `HTTP2Connection` behaves. Sizes are in bytes; every field has the default shown.
public struct HTTP2Configuration: Hashable, Sendable {
    /// Streams the peer may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS).
    /// The protocol default is unlimited; 100 is the minimum RFC 9113 §6.5.2
    /// recommends and what python-hyper/h2 advertises.
    public var maxConcurrentStreams: UInt32 = 100
    /// Each stream's receive window (SETTINGS_INITIAL_WINDOW_SIZE). Default 65,535.
    public var initialStreamWindowSize: UInt32 = HTTP2Settings.defaultInitialWindowSize
    /// The connection's receive window, raised by WINDOW_UPDATE at start-up. Default 1 MiB,
    /// so several streams can each fill their window at once.
    public var connectionWindowSize: UInt32 = 1 << 20
    /// The largest frame we accept (SETTINGS_MAX_FRAME_SIZE). Default 16,384.
    public var maxFrameSize: UInt32 = HTTP2Settings.defaultMaxFrameSize
    /// The largest decoded header list we accept (SETTINGS_MAX_HEADER_LIST_SIZE); larger
    /// lists reset their stream with ENHANCE_YOUR_CALM. Default 16 KiB, as gRPC's hard limit.
    public var maxHeaderListSize: UInt32 = 16_384
    /// Our HPACK decoder's table size (SETTINGS_HEADER_TABLE_SIZE). Default 4,096.
    public var headerTableSize: UInt32 = HTTP2Settings.defaultHeaderTableSize
    /// The largest HPACK encoder table we keep, whatever the peer allows. Default 4,096.
    public var maxEncoderHeaderTableSize = 4_096
    public var huffmanPolicy = HPACKEncoder.HuffmanPolicy.whenSmaller
    public var inboundFlowControl = InboundFlowControlStrategy.automatic
    public var limits = HTTP2Limits()

    public init() {}

    /// Checks each rule; throws `invalidConfiguration` naming the first one broken.
    public func validate() throws(HTTP2UsageError) {
        func require(_ condition: Bool, _ rule: String) throws(HTTP2UsageError) {
            guard condition else { throw .invalidConfiguration(rule) }
        }
        try require(initialStreamWindowSize <= HTTP2Settings.maxWindowSize, "initialStreamWindowSize <= 2^31-1")
        try require(
            connectionWindowSize >= HTTP2Settings.defaultInitialWindowSize
                && connectionWindowSize <= HTTP2Settings.maxWindowSize,
            "connectionWindowSize in 65535...2^31-1")
        try require(
            maxFrameSize >= HTTP2Settings.defaultMaxFrameSize && maxFrameSize <= HTTP2Settings.maxAllowedFrameSize,
            "maxFrameSize in 16384...16777215")
        try require(maxEncoderHeaderTableSize >= 0, "maxEncoderHeaderTableSize >= 0")
        try require(limits.maxHeaderBlockSize >= Int(maxFrameSize), "limits.maxHeaderBlockSize >= maxFrameSize")
        try require(limits.maxClosedStreams > 0, "limits.maxClosedStreams > 0")
        try require(limits.maxQueuedControlFrames > 0, "limits.maxQueuedControlFrames > 0")
        try require(limits.maxResetsPerInterval > 0, "limits.maxResetsPerInterval > 0")
        try require(limits.maxEmptyFramesPerInterval > 0, "limits.maxEmptyFramesPerInterval > 0")
        try require(limits.floodInterval > .zero, "limits.floodInterval > 0")
        try require(limits.maxUnacknowledgedSettings > 0, "limits.maxUnacknowledgedSettings > 0")
    }

    /// The SETTINGS frame that announces this configuration (only values that differ from the defaults).
    func initialSettings(for role: HTTP2Role) -> [HTTP2Setting] {
        var settings: [HTTP2Setting] = []
        if role == .client {
            settings.append(HTTP2Setting(.enablePush, 0))
        }
        settings.append(HTTP2Setting(.maxConcurrentStreams, maxConcurrentStreams))
        if initialStreamWindowSize != HTTP2Settings.defaultInitialWindowSize {
            settings.append(HTTP2Setting(.initialWindowSize, initialStreamWindowSize))
        }
        if maxFrameSize != HTTP2Settings.defaultMaxFrameSize {
            settings.append(HTTP2Setting(.maxFrameSize, maxFrameSize))
        }
        settings.append(HTTP2Setting(.maxHeaderListSize, maxHeaderListSize))
        if headerTableSize != HTTP2Settings.defaultHeaderTableSize {
            settings.append(HTTP2Setting(.headerTableSize, headerTableSize))
        }
        return settings
    }
}
