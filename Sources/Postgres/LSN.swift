/// A WAL position (`pg_lsn`), printed by PostgreSQL as two hex halves: `16/B374D848`.
public struct LSN: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible, PostgresEncodable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let zero = LSN(rawValue: 0)

    /// Parses `X/Y` (each half 1–8 hex digits); nil for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...8).contains(parts[0].count), (1...8).contains(parts[1].count),
            let high = UInt32(parts[0], radix: 16), let low = UInt32(parts[1], radix: 16)
        else { return nil }
        rawValue = UInt64(high) << 32 | UInt64(low)
    }

    public var description: String {
        String(rawValue >> 32, radix: 16, uppercase: true) + "/"
            + String(rawValue & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Bytes of WAL from `other` up to `self` (0 if `other` is ahead).
    public func bytes(since other: LSN) -> UInt64 {
        rawValue >= other.rawValue ? rawValue - other.rawValue : 0
    }

    public var postgresBind: PostgresBind { PostgresBind(text: description, type: .pgLSN) }
}
