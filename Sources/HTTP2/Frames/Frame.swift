/// One HTTP/2 frame, parsed (RFC 9113 §6).
///
/// `FrameDecoder` yields these with HEADERS and PUSH_PROMISE already joined
/// with their CONTINUATION frames; `FrameEncoder` writes them, splitting
/// nothing (the connection chooses frame sizes).
public struct Frame: Hashable, Sendable {
    public var streamID: StreamID
    public var payload: FramePayload

    public init(streamID: StreamID, payload: FramePayload) {
        self.streamID = streamID
        self.payload = payload
    }
}

/// The typed body of a frame.
public enum FramePayload: Hashable, Sendable {
    case data(DataPayload)
    case headers(HeadersPayload)
    case priority(PrioritySpec)
    case rstStream(HTTP2ErrorCode)
    case settings(SettingsPayload)
    case pushPromise(PushPromisePayload)
    case ping(PingPayload)
    case goAway(GoAwayPayload)
    case windowUpdate(increment: UInt32)
    case continuation(ContinuationPayload)
    /// A frame type this engine does not know; ignored on receipt (RFC 9113 §4.1).
    case unknown(type: UInt8, flags: FrameFlags, payload: [UInt8])
}

public struct DataPayload: Hashable, Sendable {
    public var data: [UInt8]
    public var endStream: Bool
    /// Pad Length when the PADDED flag is set; padding counts against flow control.
    public var paddingLength: UInt8?

    public init(data: [UInt8], endStream: Bool = false, paddingLength: UInt8? = nil) {
        self.data = data
        self.endStream = endStream
        self.paddingLength = paddingLength
    }

    /// The bytes this frame costs in the flow-control window (RFC 9113 §6.9.1).
    public var flowControlledLength: Int {
        data.count + (paddingLength.map { Int($0) + 1 } ?? 0)
    }
}

public struct HeadersPayload: Hashable, Sendable {
    public var fieldBlock: [UInt8]
    public var endStream: Bool
    public var endHeaders: Bool
    public var priority: PrioritySpec?
    public var paddingLength: UInt8?

    public init(
        fieldBlock: [UInt8], endStream: Bool = false, endHeaders: Bool = true,
        priority: PrioritySpec? = nil, paddingLength: UInt8? = nil
    ) {
        self.fieldBlock = fieldBlock
        self.endStream = endStream
        self.endHeaders = endHeaders
        self.priority = priority
        self.paddingLength = paddingLength
    }
}

/// Stream dependency and weight (RFC 9113 §5.3.2). Parsed for validation, otherwise ignored,
/// as RFC 9113 deprecates the priority scheme.
public struct PrioritySpec: Hashable, Sendable {
    public var exclusive: Bool
    public var dependency: StreamID
    /// The weight as sent on the wire (actual weight minus one).
    public var weight: UInt8

    public init(exclusive: Bool = false, dependency: StreamID = .connection, weight: UInt8 = 15) {
        self.exclusive = exclusive
        self.dependency = dependency
        self.weight = weight
    }
}

public enum SettingsPayload: Hashable, Sendable {
    case values([HTTP2Setting])
    case ack
}

public struct PushPromisePayload: Hashable, Sendable {
    public var promisedStreamID: StreamID
    public var fieldBlock: [UInt8]
    public var endHeaders: Bool
    public var paddingLength: UInt8?

    public init(promisedStreamID: StreamID, fieldBlock: [UInt8], endHeaders: Bool = true, paddingLength: UInt8? = nil) {
        self.promisedStreamID = promisedStreamID
        self.fieldBlock = fieldBlock
        self.endHeaders = endHeaders
        self.paddingLength = paddingLength
    }
}

/// The 8 opaque octets of a PING (RFC 9113 §6.7).
public struct PingPayload: Hashable, Sendable {
    public var data: PingData
    public var ack: Bool

    public init(data: PingData, ack: Bool = false) {
        self.data = data
        self.ack = ack
    }
}

/// Exactly 8 octets, stored as a big-endian integer so the type cannot hold the wrong length.
public struct PingData: Hashable, Sendable {
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}

public struct GoAwayPayload: Hashable, Sendable {
    public var lastStreamID: StreamID
    public var errorCode: HTTP2ErrorCode
    public var debugData: [UInt8]

    public init(lastStreamID: StreamID, errorCode: HTTP2ErrorCode, debugData: [UInt8] = []) {
        self.lastStreamID = lastStreamID
        self.errorCode = errorCode
        self.debugData = debugData
    }
}

public struct ContinuationPayload: Hashable, Sendable {
    public var fieldBlockFragment: [UInt8]
    public var endHeaders: Bool

    public init(fieldBlockFragment: [UInt8], endHeaders: Bool) {
        self.fieldBlockFragment = fieldBlockFragment
        self.endHeaders = endHeaders
    }
}
