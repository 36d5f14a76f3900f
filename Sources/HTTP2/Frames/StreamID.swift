/// A 31-bit HTTP/2 stream identifier (RFC 9113 §5.1.1).
///
/// Clients open odd-numbered streams and servers even-numbered ones; stream 0
/// carries frames that apply to the whole connection.
public struct StreamID: RawRepresentable, Hashable, Comparable, Sendable {
    /// The largest identifier an endpoint may use (2^31 - 1).
    public static let maxValue = StreamID(rawValue: 0x7FFF_FFFF)
    /// Stream 0: frames about the connection as a whole.
    public static let connection = StreamID(rawValue: 0)

    public let rawValue: UInt32

    /// Keeps the low 31 bits: the wire's reserved top bit is ignored on receipt (RFC 9113 §4.1).
    public init(rawValue: UInt32) {
        self.rawValue = rawValue & 0x7FFF_FFFF
    }

    public init(_ value: UInt32) {
        self.init(rawValue: value)
    }

    public var isConnection: Bool { rawValue == 0 }
    public var isClientInitiated: Bool { rawValue % 2 == 1 }
    public var isServerInitiated: Bool { rawValue != 0 && rawValue % 2 == 0 }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

extension StreamID: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt32) {
        self.init(rawValue: value)
    }
}

extension StreamID: CustomStringConvertible {
    public var description: String { String(rawValue) }
}
