/// The `grpc-timeout` header: `TimeoutValue TimeoutUnit`, at most 8 ASCII digits followed by one
/// of `H M S m u n` (PROTOCOL-HTTP2.md, "Requests").
public enum GRPCTimeout {
    /// The spec caps the value at 8 digits.
    static let maxValue: Int64 = 99_999_999

    private static let units: [(unit: UInt8, nanoseconds: Int64)] = [
        (UInt8(ascii: "n"), 1), (UInt8(ascii: "u"), 1_000), (UInt8(ascii: "m"), 1_000_000),
        (UInt8(ascii: "S"), 1_000_000_000), (UInt8(ascii: "M"), 60_000_000_000), (UInt8(ascii: "H"), 3_600_000_000_000),
    ]

    /// The timeout a header value states, or nil when it is malformed.
    public static func parse(_ value: String) -> Duration? {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, bytes.count <= 9, let unit = bytes.last,
            let scale = units.first(where: { $0.unit == unit })?.nanoseconds
        else { return nil }
        var amount: Int64 = 0
        for digit in bytes.dropLast() {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        // At most 99,999,999 ms in nanoseconds (about 1e14) fits; larger units count seconds.
        if scale >= 1_000_000_000 {
            return .seconds(amount * (scale / 1_000_000_000))
        }
        return .nanoseconds(amount * scale)
    }

    /// The header value for a timeout: the finest unit whose value fits in 8 digits, rounded up
    /// so that the peer never sees a shorter budget than ours. Negative timeouts become `0n`.
    public static func format(_ timeout: Duration) -> String {
        let (seconds, attoseconds) = timeout.components
        guard seconds >= 0, timeout > .zero else { return "0n" }
        let nanoseconds = attoseconds / 1_000_000_000 + (attoseconds % 1_000_000_000 == 0 ? 0 : 1)
        for (unit, scale) in units {
            // Total in this unit, rounded up, without overflowing for huge durations.
            let perSecond = 1_000_000_000 / scale
            let whole: Int64
            if scale <= 1_000_000_000 {
                let (product, overflow) = seconds.multipliedReportingOverflow(by: perSecond)
                guard !overflow else { continue }
                whole = product + (nanoseconds + scale - 1) / scale
            } else {
                let secondsPerUnit = scale / 1_000_000_000
                whole = (seconds + secondsPerUnit - 1 + (nanoseconds > 0 ? 1 : 0)) / secondsPerUnit
            }
            if whole <= maxValue {
                return "\(whole)\(Character(UnicodeScalar(unit)))"
            }
        }
        return "\(maxValue)H"
    }
}
