import Glibc

/// A reading of the machine's `CLOCK_BOOTTIME`: nanoseconds since boot.
///
/// The sidecar and the supervisor are different processes (different containers of one pod, so
/// one machine and one kernel): an instant of this clock means the same moment to both, so the
/// sidecar can hand over an absolute deadline and no transmission delay can extend it. It never
/// jumps with wall-clock changes and keeps counting while the machine is suspended, so a
/// suspended node wakes up *past* its deadline. (Swift's `ContinuousClock` reads the same clock
/// on Linux, but does not expose its instants as numbers.)
public struct BootInstant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static var now: BootInstant {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return BootInstant(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    public static func < (lhs: BootInstant, rhs: BootInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: BootInstant, rhs: Duration) -> BootInstant {
        let (seconds, attoseconds) = rhs.components
        return BootInstant(nanoseconds: lhs.nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// How long from `self` until `later` (negative if `later` is earlier).
    public func duration(to later: BootInstant) -> Duration { .nanoseconds(later.nanoseconds - nanoseconds) }

    /// Encoded as a bare number of nanoseconds.
    public init(from decoder: any Decoder) throws {
        nanoseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanoseconds)
    }

    public var description: String { "boot+\(Double(nanoseconds) / 1e9)s" }
}
