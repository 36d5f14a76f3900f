public import Postgres

/// One cycle's verdict: what to do (`action`, which the summary states), how (`steps`, run by the
/// shell in order), and when to decide again at the latest (`wakeAt`).
///
/// The shell runs the steps in order. A step that fails ends the plan when it `gatesLaterSteps`
/// (a lease write that was refused or timed out, a PostgreSQL operation that failed), so
/// "promote" only ever runs after "acquire" succeeded and "unfence" only after "renew" did.
/// Publishing the status, labelling the pod and asking peers for failsafe confirmation record
/// their outcome and never end the plan.
public struct Decision: Equatable, Sendable {
    public let action: Action
    public let steps: [Step]
    /// Run the next cycle no later than this (the shell may wake earlier, e.g. on a lease change).
    public let wakeAt: MonotonicInstant
    public let member: String
    public let leaseName: String

    public init(action: Action, steps: [Step], wakeAt: MonotonicInstant, member: String, leaseName: String) {
        self.action = action
        self.steps = steps
        self.wakeAt = wakeAt
        self.member = member
        self.leaseName = leaseName
    }

    /// One sentence in Patroni's voice, naming the actor and the reason.
    public var summary: String { action.summary(member: member, lease: leaseName) }

    /// The pod label the plan ends with, if it sets one.
    public var roleLabel: RoleLabel? {
        for step in steps.reversed() {
            if case .labelPod(let label) = step { return label }
        }
        return nil
    }
}

/// The `pg-swarm.io/role` pod label. `primary` is only ever set at the end of a plan that holds a
/// fresh lease and leaves PostgreSQL writable; every fence is followed by `replica`.
public enum RoleLabel: String, Equatable, Sendable {
    case primary, replica
}

/// What the shell does, one operation each.
public enum Step: Equatable, Sendable {
    case writeLease(LeaseWrite)
    case publishStatus(MemberStatus)
    case labelPod(RoleLabel)
    /// Hard fence: lock out client connections and terminate client sessions. Must also succeed
    /// with PostgreSQL down (the fence lives in pg_hba.conf, so it holds from the next start).
    case fence(FenceReason)
    case unfence
    case promote
    /// Ask the supervisor to make PostgreSQL a standby of `leader`: demote, pg_rewind, or a fresh
    /// pg_basebackup when rewinding fails.
    case follow(leader: String)
    /// Ask the supervisor to restart PostgreSQL in place.
    case restartPostgres
    case setSynchronousStandbys([String])
    /// Failsafe mode: ask every known member to confirm us as the primary.
    case confirmPrimaryWithPeers

    public var gatesLaterSteps: Bool {
        switch self {
        case .publishStatus, .labelPod, .confirmPrimaryWithPeers: false
        case .writeLease, .fence, .unfence, .promote, .follow, .restartPostgres, .setSynchronousStandbys: true
        }
    }
}

/// The decided course, with the facts its summary needs.
public enum Action: Equatable, Sendable {
    case renewLease(Renewal)
    case acquireLease(LeasePrecondition, then: Takeover, position: LSN, timeline: Int)
    case fenceSelf(FenceReason)
    case unfenceSelf(UnfenceReason)
    case promote
    case follow(leader: String, because: FollowReason)
    /// `of` is the holder's restart budget; nil for a member without the lease (it keeps trying).
    case repairInPlace(restart: Int, of: Int?)
    case awaitCatchUp(target: String, behindBytes: UInt64)
    case releaseLease(ReleaseReason)
    case updateSynchronousStandbys(SynchronousStep)
    case finishShutdown
    case noAction(Situation)
}

public enum Renewal: Equatable, Sendable {
    /// The healthy primary's routine renewal.
    case leading
    /// Routine renewal while earlier attempts failed for `failingFor`.
    case renewalsFailing(failingFor: Duration)
    /// The renew deadline passed, but every member confirmed us (failsafe mode).
    case keptByFailsafe(confirmedBy: [String])
    /// The lease still names us, but we hold no fresh tenure (e.g. after a sidecar restart).
    case reclaiming
    case waitingForPostgres(MemberRole)
    /// We hold the lease but promised a failsafe primary not to take over yet.
    case boundByPromise(to: String)
}

public enum Takeover: String, Equatable, Sendable {
    /// A replica: promote it after acquiring.
    case promote
    /// A (fenced) primary: lift the fence after acquiring.
    case unfence
}

public enum FenceReason: Equatable, Sendable {
    case renewDeadlinePassed(renewDeadline: Duration)
    case failsafeUnconfirmed(missing: [String])
    case notLeaseHolder(holder: String?)
    case handover
    /// PostgreSQL cannot come back: fence its files before giving up the lease.
    case beforeRelease
}

public enum UnfenceReason: Equatable, Sendable {
    case holdingLease
    /// A replica cannot take writes; the fence only keeps its readers out.
    case replicaReads
}

public enum FollowReason: Equatable, Sendable {
    /// We are a (fenced) primary without the lease.
    case demote
    case repoint(from: String?)
    case diverged(timeline: Int, leaderTimeline: Int)
}

public enum ReleaseReason: Equatable, Sendable {
    case handover(to: String?, caughtUp: Bool)
    case postgresCannotRecover(downFor: Duration, restarts: Int)
}

/// One step of the synchronous standby protocol (see `SynchronousReplicationPlanner`).
public enum SynchronousStep: Equatable, Sendable {
    case retract(claim: [String])
    case configure([String])
    case claim([String], caughtUpTo: LSN)
}

/// Why a cycle takes no action.
public enum Situation: Equatable, Sendable {
    case following(leader: String)
    case ineligible(IneligibilityReason)
    case leaseUnknown
    case apiUnreachable(failingFor: Duration)
    case postgresBusy(MemberRole)
    case waitingForLeader(String)
    case waitingForAbsentLease(remaining: Duration)
    /// A replica whose lease holder has not published a status yet.
    case leaderNotVisible(String)
}
