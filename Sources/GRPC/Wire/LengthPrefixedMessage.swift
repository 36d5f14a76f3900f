/// One gRPC message as it travels in DATA frames (PROTOCOL-HTTP2.md, "Length-Prefixed-Message"):
/// a compressed flag (one byte, 0 or 1), a 4-byte big-endian length, then the payload.
public struct LengthPrefixedMessage: Hashable, Sendable {
    /// The prefix in front of every payload.
    public static let prefixSize = 5

    /// True when the payload is compressed with the call's `grpc-encoding`.
    public var isCompressed: Bool
    public var payload: [UInt8]

    public init(isCompressed: Bool, payload: [UInt8]) {
        self.isCompressed = isCompressed
        self.payload = payload
    }

    /// The prefix and payload, ready for `sendData`.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.prefixSize + payload.count)
        bytes.append(isCompressed ? 1 : 0)
        let length = UInt32(truncatingIfNeeded: payload.count)
        bytes.append(UInt8(truncatingIfNeeded: length >> 24))
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes += payload
        return bytes
    }
}
