import Failover

/// Turns the election's "the lease is free and I may not take it" into one FAILOVER_BLOCKED event
/// per episode, for the reasons that keep a cluster without a primary until a human (or time)
/// acts: too much lag, not the synchronous standby, an older timeline, a failsafe promise.
///
/// A better candidate (`peerAhead`), a primary that still answers (`primaryStillAlive`) and a
/// PostgreSQL that is still starting are the ordinary course of an election, not a block. The
/// episode ends with the first decision of any other kind; a new reason starts a new episode.
struct FailoverBlockTracker: Equatable, Sendable {
    /// The reason kind of the episode in progress, if one is.
    private(set) var current: String?

    /// The reason kind to report, when `decision` starts a new blocked episode.
    mutating func observe(_ decision: Decision) -> String? {
        guard case .noAction(.ineligible(let reason)) = decision.action, let kind = Self.blockingKind(reason) else {
            current = nil
            return nil
        }
        defer { current = kind }
        return kind == current ? nil : kind
    }

    static func blockingKind(_ reason: IneligibilityReason) -> String? {
        switch reason {
        case .lagging: "lagging"
        case .notSynchronousStandby: "not synchronous standby"
        case .timelineBehind: "timeline behind"
        case .failsafePromise: "failsafe promise"
        case .postgresNotReady, .primaryStillAlive, .peerAhead: nil
        }
    }
}
