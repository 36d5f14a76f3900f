/// The supervisor's watchdog, as a pure state machine: how long PostgreSQL may accept client
/// writes, as the failover sidecar last said (`SidecarMemory.writableUntil`).
///
/// The sidecar fences PostgreSQL itself before its lease can expire for anyone else. The
/// watchdog is the backstop for a sidecar that cannot (crashed, hung, starved): once the deadline
/// passes without a newer one, the supervisor stops PostgreSQL outright. The supervisor outlives
/// sidecar restarts, so the deadline an old sidecar set still holds while a new one starts.
///
/// - `guarding(until:)`: the sidecar may have lifted the fence; enforce at `until`.
/// - `idle`: nothing to guard. PostgreSQL started fenced (a server that is not a standby always
///   does unless a deadline is still running) and the sidecar lifts a fence only after arming.
///
/// A missing deadline (`nil`) means "no write permission at all": the sidecar lost or released
/// the lease. While guarding, that enforces at once.
public struct Watchdog: Sendable, Equatable {
    public private(set) var deadline: BootInstant?

    public init() {}

    public enum Action: Sendable, Equatable {
        case none
        /// Wake at this instant and call `deadlineReached`.
        case schedule(BootInstant)
        /// Make PostgreSQL unwritable now: stop it outright.
        case enforce
    }

    /// The sidecar's new setting, received at `now`.
    public mutating func set(writableUntil: BootInstant?, now: BootInstant) -> Action {
        guard let writableUntil, writableUntil > now else {
            guard deadline != nil else { return .none }
            deadline = nil
            return .enforce
        }
        deadline = writableUntil
        return .schedule(writableUntil)
    }

    /// The timer fired at `now` (it may fire early or for a deadline since replaced).
    public mutating func deadlineReached(now: BootInstant) -> Action {
        guard let deadline else { return .none }
        guard now >= deadline else { return .schedule(deadline) }
        self.deadline = nil
        return .enforce
    }

    /// Whether PostgreSQL may be started without the fence: only while a deadline runs.
    public func allowsWrites(now: BootInstant) -> Bool {
        deadline.map { now < $0 } ?? false
    }
}
