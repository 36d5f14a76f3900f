public import Postgres

/// Everything a sidecar remembers between cycles. The shell owns one value, reports each outcome
/// through the recording methods (`SidecarMemory+Recording.swift`) and takes an `Observation`
/// from it once per cycle. The memory is lost when the sidecar restarts, and the decisions are
/// safe with an empty one: it grants nothing that the Lease store does not confirm again.
public struct SidecarMemory: Equatable, Sendable {
    public let configuration: FailoverConfiguration
    public internal(set) var lease: LeaseKnowledge = .unknown
    /// Our claim to the lease, from our last lease write we know succeeded.
    public internal(set) var tenure: Tenure?
    /// A lease write whose outcome we do not know yet.
    public internal(set) var leaseWriteInFlight: LeaseWrite.Intent?
    public internal(set) var api = APIContact()
    /// The latest status of every other member we have seen, keyed by member name.
    public internal(set) var peers: [String: PeerView] = [:]
    /// Our latest publication the store confirmed (by answering, or by showing it to a read).
    public internal(set) var ownPublication: MemberStatus?
    /// A newer publication whose write failed or timed out: it may still land.
    public internal(set) var unconfirmedPublication: MemberStatus?
    /// Since when the local PostgreSQL has not been running, and how often we restarted it.
    public internal(set) var repair: RepairProgress?
    public internal(set) var shutdownRequestedAt: MonotonicInstant?
    public internal(set) var failsafe = FailsafeMemory()
    /// Our last change of `synchronous_standby_names`.
    public internal(set) var synchronousChange: SynchronousChange?

    public init(configuration: FailoverConfiguration) {
        self.configuration = configuration
    }

    public var identity: String { configuration.identity }

    /// When we must be fenced unless we renew first: the renew deadline counted from the start of
    /// our last successful lease write, extended in failsafe mode by the start of the last round
    /// of confirmations from every member (see `FailsafeMemory`). Nil when we hold no tenure.
    public var tenureDeadline: MonotonicInstant? {
        guard let tenure else { return nil }
        let renewed = tenure.startedAt + configuration.renewDeadline
        guard configuration.failsafeMode == .on, let round = failsafe.confirmedRoundStartedAt else { return renewed }
        return max(renewed, round + configuration.renewDeadline)
    }

    /// The supervisor's watchdog setting: PostgreSQL may accept writes until this instant, after
    /// which the supervisor stops it outright. The shell hands every new value to the supervisor,
    /// which outlives sidecar restarts, so a crashed or hung sidecar cannot leave a primary
    /// writable past `tenureDeadline + fenceTimeout` (the bound `FailoverConfiguration` checks).
    /// The supervisor also starts PostgreSQL fenced whenever this instant is not in the future.
    public var writableUntil: MonotonicInstant? { tenureDeadline.map { $0 + configuration.fenceTimeout } }

    /// The newest publication we sent, confirmed or not: its claim is our latest intention.
    public var latestPublication: MemberStatus? { unconfirmedPublication ?? ownPublication }

    /// Every synchronous standby claim the store may hold for us right now.
    public var possibleClaims: [[String]] {
        [ownPublication, unconfirmedPublication].compactMap { $0?.synchronousStandbys }
    }

    /// Sequences only grow, past every publication we ever sent, so the store (which keeps the
    /// higher sequence) never lets a delayed write replace a newer one.
    public var nextPublicationSequence: UInt64 { (latestPublication?.sequence ?? 0) + 1 }

    /// The members a failsafe round must hear from: all but us.
    public var failsafeRoster: [String] { configuration.members.filter { $0 != identity }.sorted() }

    /// True while a failsafe promise forbids us to take over.
    public func isBoundByFailsafePromise(at now: MonotonicInstant) -> Bool {
        guard let promise = failsafe.promise else { return false }
        return now < promise.until
    }
}

/// Our claim to the lease.
public struct Tenure: Equatable, Sendable {
    /// When we *sent* the lease write that last succeeded: the write may have landed any time
    /// after this, so counting from here never overstates how long our peers will wait.
    public var startedAt: MonotonicInstant

    public init(startedAt: MonotonicInstant) { self.startedAt = startedAt }
}

public struct APIContact: Equatable, Sendable {
    public var lastSuccessAt: MonotonicInstant?
    /// Since when every API call failed; nil when the last one succeeded.
    public var failingSince: MonotonicInstant?

    public init(lastSuccessAt: MonotonicInstant? = nil, failingSince: MonotonicInstant? = nil) {
        self.lastSuccessAt = lastSuccessAt
        self.failingSince = failingSince
    }
}

public struct RepairProgress: Equatable, Sendable {
    public var downSince: MonotonicInstant
    public var restarts: Int
}

/// Failsafe mode (Patroni's `failsafe_mode`, made a lease of its own). While the API server is
/// unreachable the primary asks every member it knows to confirm it as primary. A member that
/// confirms promises not to acquire the lease or promote for `leaseDuration` by its own clock,
/// counted from when it received the request; the primary extends its writable time to the
/// round's *start* plus `renewDeadline` by its clock only once every member confirmed. That is
/// the lease argument again (`FailoverConfiguration`), with each member as the store: the
/// primary is fenced before any promise expires.
///
/// The roster is the configured member list (`FailoverConfiguration.members`), not the members
/// whose status we happened to see: a member that published only after the outage began must be
/// asked too. A member whose sidecar restarts forgets its promise, but it then first observes the
/// lease afresh and waits a full `leaseDuration` from that moment, which is later than the
/// promise would have ended.
public struct FailsafeMemory: Equatable, Sendable {
    /// Holder: the start of the newest round that every known member confirmed.
    public var confirmedRoundStartedAt: MonotonicInstant?
    /// Holder: the members that did not confirm the latest round.
    public var lastRoundMissing: [String] = []
    /// Member: the promise we gave, if any.
    public var promise: FailsafePromise?

    public init() {}
}

public struct FailsafePromise: Equatable, Sendable {
    public var primary: String
    public var until: MonotonicInstant

    public init(primary: String, until: MonotonicInstant) {
        self.primary = primary
        self.until = until
    }
}

/// Our answer to a primary's failsafe request.
public enum FailsafeAnswer: Equatable, Sendable {
    case confirmed
    case refused(reason: String)
}

public struct SynchronousChange: Equatable, Sendable {
    public var names: [String]
    /// The primary's WAL position right after the change took effect: every commit acknowledged
    /// under the previous setting lies below it.
    public var atLSN: LSN

    public init(names: [String], atLSN: LSN) {
        self.names = names
        self.atLSN = atLSN
    }
}

/// The immutable snapshot one decision reads (Patroni's `Cluster`): what we remember and what
/// the local server looked like at the start of the cycle.
public struct Observation: Equatable, Sendable {
    public let memory: SidecarMemory
    public let local: LocalPostgres

    public init(memory: SidecarMemory, local: LocalPostgres) {
        self.memory = memory
        self.local = local
    }
}
