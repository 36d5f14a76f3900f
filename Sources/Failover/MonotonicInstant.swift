/// A reading of one node's monotonic clock: nanoseconds since an arbitrary origin of that clock.
///
/// Instants from different nodes are never compared: each sidecar judges every age and expiry by
/// its own clock (client-go's observed-time rule). The shell takes readings from
/// `ContinuousClock`, which on Linux is `CLOCK_BOOTTIME`: it never jumps with wall-clock changes
/// and keeps counting while the machine is suspended, so a suspended holder wakes up *past* its
/// renew deadline rather than believing it still leads. The simulation takes them from a
/// simulated clock that runs at a bounded rate error.
public struct MonotonicInstant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
    public var nanosecondsSinceOrigin: Int64

    public init(nanosecondsSinceOrigin: Int64) {
        self.nanosecondsSinceOrigin = nanosecondsSinceOrigin
    }

    public static func milliseconds(_ value: Int64) -> MonotonicInstant {
        MonotonicInstant(nanosecondsSinceOrigin: value * 1_000_000)
    }

    public static func seconds(_ value: Int64) -> MonotonicInstant {
        MonotonicInstant(nanosecondsSinceOrigin: value * 1_000_000_000)
    }

    public func advanced(by duration: Duration) -> MonotonicInstant {
        MonotonicInstant(nanosecondsSinceOrigin: nanosecondsSinceOrigin + duration.nanoseconds)
    }

    public func duration(to other: MonotonicInstant) -> Duration {
        .nanoseconds(other.nanosecondsSinceOrigin - nanosecondsSinceOrigin)
    }

    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.nanosecondsSinceOrigin < rhs.nanosecondsSinceOrigin
    }

    public static func + (lhs: MonotonicInstant, rhs: Duration) -> MonotonicInstant { lhs.advanced(by: rhs) }

    /// Seconds since the clock's origin with millisecond precision, e.g. `12.345s`.
    public var description: String { Duration.nanoseconds(nanosecondsSinceOrigin).secondsText }
}

extension Duration {
    /// The duration in whole nanoseconds (truncated; durations here are far below 292 years).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds with up to three decimals and no trailing zeros: `10s`, `2.5s`, `0.125s`, `-1s`.
    /// Written by hand so that summaries never depend on locale or Foundation formatting.
    public var secondsText: String {
        let milliseconds = nanoseconds / 1_000_000
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        var text = sign + String(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let padded = String(fraction)
            text += "." + String(repeating: "0", count: digits - padded.count) + padded
        }
        return text + "s"
    }
}
