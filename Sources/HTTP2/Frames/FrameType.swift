/// The frame types of RFC 9113 §6. Types outside this list are kept raw and ignored (§4.1).
public enum FrameType: UInt8, Sendable, CaseIterable {
    case data = 0x0
    case headers = 0x1
    case priority = 0x2
    case rstStream = 0x3
    case settings = 0x4
    case pushPromise = 0x5
    case ping = 0x6
    case goAway = 0x7
    case windowUpdate = 0x8
    case continuation = 0x9
}

/// Frame header flags (RFC 9113 §4.1). A flag's meaning depends on the frame type.
public struct FrameFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// END_STREAM on DATA and HEADERS.
    public static let endStream = FrameFlags(rawValue: 0x1)
    /// ACK on SETTINGS and PING (same bit as END_STREAM).
    public static let ack = FrameFlags(rawValue: 0x1)
    public static let endHeaders = FrameFlags(rawValue: 0x4)
    public static let padded = FrameFlags(rawValue: 0x8)
    public static let priority = FrameFlags(rawValue: 0x20)
}

/// The fixed 9-octet header in front of every frame (RFC 9113 §4.1).
struct FrameHeader: Hashable, Sendable {
    static let byteCount = 9

    var length: Int
    var type: UInt8
    var flags: FrameFlags
    var streamID: StreamID

    /// Reads a header from exactly 9 bytes starting at `start`.
    init(bytes: [UInt8], at start: Int) {
        length = Int(bytes[start]) << 16 | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2])
        type = bytes[start + 3]
        flags = FrameFlags(rawValue: bytes[start + 4])
        streamID = StreamID(rawValue: readUInt32(bytes, at: start + 5))
    }
}

func readUInt32(_ bytes: [UInt8], at index: Int) -> UInt32 {
    UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
        | UInt32(bytes[index + 3])
}

extension Array where Element == UInt8 {
    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
