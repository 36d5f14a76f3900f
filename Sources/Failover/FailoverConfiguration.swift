/// The sidecar's election and failover settings. Construction validates every rule, so an unsafe
/// configuration cannot exist (client-go's `NewLeaderElector` rule, extended by the fence margin).
///
/// ## Why the holder is fenced before anyone may take over
///
/// The holder credits a renewal to the moment it *sent* the request (`Tenure.startedAt`), because
/// the write may land at the API server any time between sending and the response. An observer
/// re-stamps its view when it *sees* the record change, which is after the write landed. So every
/// observer's `observedAt` is at or after the holder's `startedAt`, whatever their clocks read:
/// clock *offset* between nodes does not matter. Clock *rate* does. Let every clock run within a
/// factor `1 ± ρ` of real time (`maxClockRateDriftPartsPerMillion`). Then:
///
/// - the holder starts fencing once its clock has advanced `renewDeadline` past `startedAt`, and
///   the fence completes (or the supervisor's watchdog stops PostgreSQL) within `fenceTimeout`
///   more: no later than `(renewDeadline + fenceTimeout) / (1 − ρ)` of real time after `startedAt`;
/// - an observer may treat the lease as expired once its clock has advanced `leaseDuration` past
///   `observedAt`: no earlier than `leaseDuration / (1 + ρ)` after `startedAt`.
///
/// Validation requires `(renewDeadline + fenceTimeout) × (1 + ρ) / (1 − ρ) < leaseDuration`, so
/// the old primary stops accepting writes before any candidate may acquire the lease, let alone
/// promote. With the defaults (15 s, 10 s, fence 2 s) this holds for ρ up to 11 %; real clocks
/// drift by well under 0.1 %.
///
/// **Limits of the argument.** It assumes the fence completes within `fenceTimeout`, which the
/// shell guarantees by escalating to an immediate stop of PostgreSQL through the supervisor's
/// watchdog. It does not cover a PostgreSQL that keeps running while both the sidecar and the
/// supervisor are frozen (the supervisor ties PostgreSQL's life to its own), nor clients whose
/// write is already inside the server when the fence lands: the fence terminates their sessions,
/// so such a write is never acknowledged after the fence, but it may commit locally (and is then
/// rewound away). Kubernetes offers no fencing token, so no lease-based design can do better
/// without stopping the old primary; this one stops it in time.
public struct FailoverConfiguration: Sendable, Equatable {
    /// This member's name (the pod name); the lease holder identity. Must not be empty.
    public let identity: String
    /// The Lease object's name, `<cluster>-leader`. Used in summaries and by the shell.
    public let leaseName: String
    /// How long a lease stays valid after an observer last saw it change. Default 15 s.
    public let leaseDuration: Duration
    /// How long the holder may go without a successful renewal before it fences. Default 10 s.
    public let renewDeadline: Duration
    /// Time between election cycles (renewals, candidacy checks). Default 2 s.
    public let retryPeriod: Duration
    /// Bound on how far any node's monotonic clock rate may stray from real time, in parts per
    /// million. Default 10 000 (1 %), far above what NTP-disciplined or even free-running clocks do.
    public let maxClockRateDriftPartsPerMillion: Int
    /// Upper bound on fencing: after this the supervisor stops PostgreSQL outright. Default 2 s.
    public let fenceTimeout: Duration
    /// A replica more than this many bytes of WAL behind the last known primary position is never
    /// promoted. Default 1 MiB (Patroni's `maximum_lag_on_failover`). Ignored for the
    /// synchronous standby, which holds every acknowledged commit by construction.
    public let maxLagOnFailover: Int
    /// Synchronous replication: when on, the primary keeps one synchronous standby and only that
    /// standby may be promoted, so no acknowledged commit is lost. Default off.
    public let synchronousMode: SynchronousMode
    /// When on, a primary that cannot reach the API server stays writable only while every
    /// member in `members` confirms it is still the primary. Default off.
    public let failsafeMode: FailsafeMode
    /// Every member of the cluster, this one included (the StatefulSet's pod names). Failsafe mode
    /// needs the complete list: a member the primary does not ask could take over while the
    /// others keep the primary. The shell rebuilds the configuration when the set changes.
    public let members: [String]
    /// How long the holder keeps its lease while PostgreSQL is down before releasing it. Default 30 s.
    public let primaryRepairTimeout: Duration
    /// How many in-place restarts the holder attempts before releasing the lease. Default 3.
    public let maxPrimaryRestarts: Int
    /// A member status not seen to change for this long is stale: the member is not counted as a
    /// better candidate or a live primary. Default 3 × retryPeriod.
    public let memberStatusTimeout: Duration
    /// On SIGTERM, how long the fenced primary waits for its best replica to catch up before it
    /// releases the lease anyway. Default 5 s (well inside the pod's termination grace period).
    public let handoverTimeout: Duration

    /// client-go's jitter factor: renewals are retried at up to 1.2 × retryPeriod.
    public static let jitterFactor = (numerator: Int64(6), denominator: Int64(5))

    public init(
        identity: String,
        leaseName: String,
        leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2),
        maxClockRateDriftPartsPerMillion: Int = 10_000,
        fenceTimeout: Duration = .seconds(2),
        maxLagOnFailover: Int = 1 << 20,
        synchronousMode: SynchronousMode = .off,
        failsafeMode: FailsafeMode = .off,
        members: [String] = [],
        primaryRepairTimeout: Duration = .seconds(30),
        maxPrimaryRestarts: Int = 3,
        memberStatusTimeout: Duration? = nil,
        handoverTimeout: Duration = .seconds(5)
    ) throws(FailoverConfigurationError) {
        self.identity = identity
        self.leaseName = leaseName
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.maxClockRateDriftPartsPerMillion = maxClockRateDriftPartsPerMillion
        self.fenceTimeout = fenceTimeout
        self.maxLagOnFailover = maxLagOnFailover
        self.synchronousMode = synchronousMode
        self.failsafeMode = failsafeMode
        self.members = members
        self.primaryRepairTimeout = primaryRepairTimeout
        self.maxPrimaryRestarts = maxPrimaryRestarts
        self.memberStatusTimeout = memberStatusTimeout ?? retryPeriod * 3
        self.handoverTimeout = handoverTimeout
        if let violation = firstViolation() { throw violation }
    }

    /// The rules in a fixed order; each has its own error and its own test.
    private func firstViolation() -> FailoverConfigurationError? {
        if identity.isEmpty { return .identityEmpty }
        if leaseName.isEmpty { return .leaseNameEmpty }
        if retryPeriod <= .zero { return .retryPeriodNotPositive }
        let jitteredRetry =
            retryPeriod.nanoseconds * Self.jitterFactor.numerator / Self.jitterFactor.denominator
        if renewDeadline.nanoseconds <= jitteredRetry { return .renewDeadlineNotAboveJitteredRetryPeriod }
        if leaseDuration <= renewDeadline { return .leaseDurationNotAboveRenewDeadline }
        if !(0..<200_000).contains(maxClockRateDriftPartsPerMillion) { return .clockRateDriftOutOfRange }
        if fenceTimeout <= .zero { return .fenceTimeoutNotPositive }
        if !fenceCompletesBeforeExpiry { return .fenceMarginTooSmall }
        if maxLagOnFailover < 0 { return .maxLagNegative }
        if failsafeMode == .on && !members.contains(identity) { return .failsafeWithoutMembers }
        if primaryRepairTimeout <= .zero || maxPrimaryRestarts < 1 { return .primaryRepairBudgetEmpty }
        if memberStatusTimeout <= retryPeriod { return .memberStatusTimeoutNotAboveRetryPeriod }
        if handoverTimeout <= .zero { return .handoverTimeoutNotPositive }
        return nil
    }

    /// `(renewDeadline + fenceTimeout) × (1 + ρ) / (1 − ρ) < leaseDuration`, in exact integers.
    public var fenceCompletesBeforeExpiry: Bool {
        let million = Int128(1_000_000)
        let drift = Int128(maxClockRateDriftPartsPerMillion)
        let fencedBy = Int128(renewDeadline.nanoseconds + fenceTimeout.nanoseconds) * (million + drift)
        return fencedBy < Int128(leaseDuration.nanoseconds) * (million - drift)
    }
}

public enum SynchronousMode: String, Sendable, Equatable, CaseIterable {
    case off, on
}

public enum FailsafeMode: String, Sendable, Equatable, CaseIterable {
    case off, on
}

/// One case per configuration rule, each with a message naming the setting.
public enum FailoverConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case identityEmpty
    case leaseNameEmpty
    case retryPeriodNotPositive
    case renewDeadlineNotAboveJitteredRetryPeriod
    case leaseDurationNotAboveRenewDeadline
    case clockRateDriftOutOfRange
    case fenceTimeoutNotPositive
    case fenceMarginTooSmall
    case maxLagNegative
    case failsafeWithoutMembers
    case primaryRepairBudgetEmpty
    case memberStatusTimeoutNotAboveRetryPeriod
    case handoverTimeoutNotPositive

    public var description: String {
        switch self {
        case .identityEmpty: "the member identity (pod name) must not be empty"
        case .leaseNameEmpty: "the lease name must not be empty"
        case .retryPeriodNotPositive: "the retry period must be positive"
        case .renewDeadlineNotAboveJitteredRetryPeriod:
            "the renew deadline must be greater than 1.2 × the retry period"
        case .leaseDurationNotAboveRenewDeadline: "the lease duration must be greater than the renew deadline"
        case .clockRateDriftOutOfRange: "the clock rate drift bound must be in 0..<200000 parts per million"
        case .fenceTimeoutNotPositive: "the fence timeout must be positive"
        case .fenceMarginTooSmall:
            "(renew deadline + fence timeout) × (1 + drift) / (1 − drift) must be less than the lease duration,"
                + " so the holder is fenced before any peer may see its lease expire"
        case .maxLagNegative: "the maximum lag on failover must not be negative"
        case .failsafeWithoutMembers: "failsafe mode needs the list of all members, this one included"
        case .primaryRepairBudgetEmpty: "the primary repair timeout and restart count must be positive"
        case .memberStatusTimeoutNotAboveRetryPeriod: "the member status timeout must exceed the retry period"
        case .handoverTimeoutNotPositive: "the handover timeout must be positive"
        }
    }
}
