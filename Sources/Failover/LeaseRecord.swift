/// A wall-clock time written into a lease record by its writer (a Kubernetes MicroTime such as
/// `2024-01-01T00:00:00.000000Z`). Opaque on purpose: the election never compares it with any
/// clock, because the writer's wall clock may be skewed or jump. It is for display only.
public struct LeaseTimestamp: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// The election's view of the `<cluster>-leader` Lease, independent of the Kubernetes JSON (the
/// Kube layer converts, with a round-trip test). Like client-go's `LeaderElectionRecord`, it
/// serves the election only.
public struct LeaseRecord: Equatable, Sendable {
    /// The member holding the lease; nil once released.
    public var holder: String?
    /// How long observers treat the record as valid after seeing it change. Kubernetes stores
    /// whole seconds: the conversion rounds *up*, which only makes observers wait longer.
    public var leaseDuration: Duration
    public var acquireTime: LeaseTimestamp?
    public var renewTime: LeaseTimestamp?
    /// How many times the holder changed (client-go's `leaderTransitions`).
    public var transitions: Int
    /// Who released this lease (nil unless `holder` is nil). A free lease must still say whose it
    /// was: in synchronous mode only that member's standby claim tells who may take over. Stored
    /// as an annotation on the Kubernetes Lease (`pg-swarm.io/released-by`).
    public var releasedBy: String?
    /// The store's version of the object; nil on a record not yet written. Writes compare and
    /// swap on it, so of two writers holding the same version exactly one succeeds.
    public var resourceVersion: String?

    public init(
        holder: String?, leaseDuration: Duration, acquireTime: LeaseTimestamp? = nil,
        renewTime: LeaseTimestamp? = nil, transitions: Int = 0, releasedBy: String? = nil,
        resourceVersion: String? = nil
    ) {
        self.holder = holder
        self.leaseDuration = leaseDuration
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.transitions = transitions
        self.releasedBy = releasedBy
        self.resourceVersion = resourceVersion
    }

    /// A released lease (client-go's `tryRelease`): no holder, and a one-second duration so that
    /// observers of older code treat it as ending at once.
    public static let releasedDuration = Duration.seconds(1)
}

/// What a lease write requires of the stored object: this is the compare in compare-and-swap.
public enum LeasePrecondition: Equatable, Sendable, CustomStringConvertible {
    /// Create: fails if the object exists (Kubernetes answers 409 AlreadyExists).
    case absent
    /// Update: fails unless the stored object still has this version (409 Conflict).
    case resourceVersion(String)

    public var description: String {
        switch self {
        case .absent: "lease absent"
        case .resourceVersion(let version): "resourceVersion \(version)"
        }
    }
}

/// One compare-and-swap write of the lease.
public struct LeaseWrite: Equatable, Sendable {
    public enum Intent: String, Equatable, Sendable {
        case acquire, renew, release
    }

    public var intent: Intent
    public var precondition: LeasePrecondition

    public init(_ intent: Intent, precondition: LeasePrecondition) {
        self.intent = intent
        self.precondition = precondition
    }

    /// The record this write proposes. The shell supplies the wall-clock `timestamp`.
    /// `previous` is the observed record the precondition refers to (nil when absent).
    public func record(
        by identity: String, leaseDuration: Duration, replacing previous: LeaseRecord?, at timestamp: LeaseTimestamp
    ) -> LeaseRecord {
        let transitions = previous?.transitions ?? 0
        switch intent {
        case .acquire:
            let changesHolder = previous?.holder != identity
            return LeaseRecord(
                holder: identity, leaseDuration: leaseDuration,
                acquireTime: changesHolder ? timestamp : (previous?.acquireTime ?? timestamp), renewTime: timestamp,
                transitions: changesHolder && previous != nil ? transitions + 1 : transitions)
        case .renew:
            return LeaseRecord(
                holder: identity, leaseDuration: leaseDuration, acquireTime: previous?.acquireTime ?? timestamp,
                renewTime: timestamp, transitions: transitions)
        case .release:
            return LeaseRecord(
                holder: nil, leaseDuration: LeaseRecord.releasedDuration, acquireTime: timestamp,
                renewTime: timestamp, transitions: transitions, releasedBy: identity)
        }
    }
}

/// How a lease write ended. Losing the race is a value, not an error (Patroni's DCS rule): only
/// an unreachable or failing store is `.failed`, and then the write may or may not have landed.
public enum LeaseWriteOutcome: Equatable, Sendable {
    case written(LeaseRecord)
    case conflict
    case failed
}

/// The lease storage the shell talks to, as small as client-go's `resourcelock.Interface`.
/// Unreachable stores throw; a lost compare-and-swap returns `.conflict`.
public protocol LeaseStore: Sendable {
    /// The stored record, or nil when the object does not exist.
    func get() async throws -> LeaseRecord?
    /// Writes `record` if `precondition` holds. Never called without a prior read (the
    /// precondition comes from that read). Calls must time out within `renewDeadline / 2`
    /// (client-go sizes its HTTP timeout so), so that one hung request cannot cost the lease.
    func write(_ record: LeaseRecord, precondition: LeasePrecondition) async throws -> LeaseWriteOutcome
    /// For logs: `namespace/name`.
    var describe: String { get }
}
