import Postgres

/// The failover decision: `decide(observation, now) -> Decision`, pure and deterministic.
///
/// Patroni's `_run_cycle` shape: an ordered list of small guards, the first that applies returns,
/// so **the order is the policy**:
///
/// 1. shutting down: fence, let the best replica catch up, release (handover);
/// 2. past the renew deadline and still writable: fence (unless failsafe confirmations keep us);
/// 3. writable without holding the lease: fence;
/// 4. holding the lease: renew first, then repair, promote, unfence or tend the synchronous
///    standby, or just renew;
/// 5. the lease still names us but we hold no fresh tenure: renew it (compare-and-swap);
/// 6. PostgreSQL down or busy: restart it in place, or wait;
/// 7. lease unknown: wait; held by a peer: follow it;
/// 8. lease free for us: take it if eligible, else say why not.
///
/// A planned switchover (a later issue) slots in as a guard right after the shutdown guard: it
/// is a handover to a named member, driven by a request in the observation.
///
/// ## The shell's contract (what `FailoverSimulation` does, and what the safety argument needs)
///
/// 1. Each cycle: if `urgentDecision` returns a decision, run it at once, without any API call.
///    Otherwise read the lease and all member statuses with consistent reads (not a watch
///    cache) and record both with `clusterRead`, or `apiCallFailed` if either read failed; then
///    `observe` the local server and `decide`.
/// 2. Run the steps in order; report each outcome to `SidecarMemory` (`leaseWriteStarted` before
///    sending a lease write and honour its refusal, `leaseWriteFinished`, `statusPublished` or
///    `statusPublicationFailed`, `postgresRestartRequested`, `synchronousStandbysConfigured` with
///    the WAL position read after the reload, `failsafeRoundFinished`). After a lost
///    compare-and-swap, read again at once.
/// 3. After every change of `SidecarMemory.writableUntil`, hand it to the supervisor's watchdog.
///    While PostgreSQL takes writes, keep a timer at `tenureDeadline`: if it fires while a step
///    hangs, abandon the step (its outcome is unknown: report it failed) and run `urgentDecision`.
/// 4. Every API request times out within `renewDeadline / 2`. Member statuses are stored so that
///    a write never replaces a newer sequence (compare-and-swap on the object's version).
/// 5. Answer peers' failsafe requests with `SidecarMemory.answerFailsafeRequest`.
/// 6. Wake at `Decision.wakeAt` at the latest.
///
/// The supervisor boots PostgreSQL fenced, starts it fenced whenever its watchdog deadline has
/// passed, stops it when that deadline passes, and ties PostgreSQL's life to its own.
public struct FailoverPolicy: Sendable {
    public let configuration: FailoverConfiguration

    public init(configuration: FailoverConfiguration) {
        self.configuration = configuration
    }

    typealias Guard = @Sendable (DecisionContext) -> Decision?

    /// Guards that need nothing from the API server: the shell runs them on its memory alone
    /// (`urgentDecision`) when a deadline falls due, before any read that might hang.
    static let urgentGuards: [Guard] = [fenceAtRenewDeadline, fenceWithoutLease]

    static let guards: [Guard] =
        [handleShutdown] + urgentGuards + [
            holderWithPostgresNotRunning, holderBoundByPromise, holderWithReplica, holderFenced,
            holderTendingSynchronousStandby, holderLeading, reclaimNamedLease, restartLocalPostgres,
            waitForLocalPostgres, waitForLease, followLeaseHolder,
        ]

    public func decide(_ observation: Observation, now: MonotonicInstant) -> Decision {
        let context = DecisionContext(observation: observation, now: now)
        for rule in Self.guards {
            if let decision = rule(context) { return decision }
        }
        // Whatever no guard claimed: the lease is free for us (or we wait for something to change).
        return Self.runForLease(context)
    }

    /// The decision if a fence is due right now, judged on memory alone; nil otherwise.
    public func urgentDecision(_ observation: Observation, now: MonotonicInstant) -> Decision? {
        let context = DecisionContext(observation: observation, now: now)
        for rule in Self.urgentGuards {
            if let decision = rule(context) { return decision }
        }
        return nil
    }
}

/// The facts every guard reads, derived once per cycle.
struct DecisionContext {
    let configuration: FailoverConfiguration
    let memory: SidecarMemory
    let local: LocalPostgres
    let now: MonotonicInstant
    let tenureDeadline: MonotonicInstant?

    init(observation: Observation, now: MonotonicInstant) {
        memory = observation.memory
        configuration = observation.memory.configuration
        local = observation.local
        self.now = now
        tenureDeadline = observation.memory.tenureDeadline
    }

    var me: String { configuration.identity }
    var snapshot: PostgresSnapshot? { local.snapshot }
    /// We hold a tenure whose (possibly failsafe-extended) deadline has not passed.
    var holdsLease: Bool { tenureDeadline.map { now < $0 } ?? false }
    var leaseView: LeaseView? { memory.lease.view }
    /// The holder the lease named when we last saw it, expired or not.
    var namedHolder: String? { leaseView?.holder }
    var apiFailingFor: Duration? { memory.api.failingSince.map { $0.duration(to: now) } }
    var nextRetry: MonotonicInstant { now + configuration.retryPeriod }
    /// For protocol steps that should follow each other quickly without spinning.
    var soon: MonotonicInstant { now + configuration.retryPeriod / 10 }

    /// The last primary's status: that of the member the lease names or was released by (even if
    /// it never published as a primary); for a missing lease, that of the member, us included,
    /// on the newest timeline that reports itself primary or vouches for a synchronous standby.
    var previousPrimaryStatus: MemberStatus? {
        if let holder = namedHolder ?? leaseView?.record.releasedBy {
            return holder == me ? memory.ownPublication : memory.peers[holder]?.status
        }
        let statuses = memory.peers.values.map(\.status) + [memory.ownPublication].compactMap { $0 }
        let primaries = statuses.filter { $0.role == .primary || !$0.synchronousStandbys.isEmpty }
        return primaries.max { ($0.timeline, $1.member) < ($1.timeline, $0.member) }
    }

    /// The status to publish this cycle. The synchronous standby claim carries over unchanged
    /// unless `claim` says otherwise; a running replica never claims.
    func status(claim: [String]? = nil) -> MemberStatus {
        let last = memory.latestPublication
        let carried =
            configuration.synchronousMode == .off || snapshot?.role == .replica ? [] : last?.synchronousStandbys ?? []
        return MemberStatus(
            member: me, sequence: memory.nextPublicationSequence, role: local.memberRole, healthy: snapshot != nil,
            fenced: snapshot?.fenced ?? last?.fenced ?? false, timeline: snapshot?.timeline ?? last?.timeline ?? 0,
            walPosition: snapshot?.walPosition ?? last?.walPosition ?? .zero,
            replayedLSN: snapshot?.replayedLSN ?? last?.replayedLSN ?? .zero, synchronousStandbys: claim ?? carried)
    }

    func decision(_ action: Action, _ steps: [Step], wakeAt: MonotonicInstant? = nil) -> Decision {
        Decision(
            action: action, steps: steps, wakeAt: wakeAt ?? nextRetry, member: me, leaseName: configuration.leaseName)
    }

    /// Holders wake at their deadline at the latest, to fence on time.
    func holderWake(_ preferred: MonotonicInstant? = nil) -> MonotonicInstant {
        min(preferred ?? nextRetry, tenureDeadline ?? nextRetry)
    }

    /// Followers and candidates wake when the lease would expire for them, to take over at once.
    func memberWake() -> MonotonicInstant {
        guard let view = leaseView, view.holder != nil, view.expiresAt > now else { return nextRetry }
        return min(nextRetry, view.expiresAt)
    }
}
