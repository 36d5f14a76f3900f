public import Failover
public import Supervisor

/// The shell's clock: the machine's boot clock (`CLOCK_BOOTTIME`), read as the decision core's
/// `MonotonicInstant`. The same numbers are `BootInstant`s, so the watchdog deadline handed to
/// the supervisor (another process on the same machine) means the same moment there.
public struct SidecarClock: Sendable {
    public init() {}

    public func now() -> MonotonicInstant {
        MonotonicInstant(nanosecondsSinceOrigin: BootInstant.now.nanoseconds)
    }

    public static func bootInstant(_ instant: MonotonicInstant) -> BootInstant {
        BootInstant(nanoseconds: instant.nanosecondsSinceOrigin)
    }

    /// Sleeps until `instant` (returns at once if it passed); throws on cancellation.
    public func sleep(until instant: MonotonicInstant) async throws {
        let remaining = now().duration(to: instant)
        if remaining > .zero { try await Task.sleep(for: remaining) }
    }
}
