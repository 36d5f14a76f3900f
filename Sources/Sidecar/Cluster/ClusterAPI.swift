public import Failover

/// The shell's view of the API server, as small as the contract needs (`FailoverPolicy`):
/// consistent reads of the lease and every member status, compare-and-swap writes, the pod
/// label, and a stream of leader lease changes used only to wake early. Unreachable throws;
/// losing a race is a returned value.
public protocol ClusterAPI: Sendable {
    /// The leader lease (nil: it does not exist) and every member's latest status, ours
    /// included, from one consistent read of the API server (never a watch cache).
    func readCluster() async throws -> ClusterReading
    /// A compare-and-swap write of the leader lease.
    func writeLease(_ record: LeaseRecord, precondition: LeasePrecondition) async throws -> LeaseWriteOutcome
    /// Stores our status unless the store holds one with an equal or higher sequence (then
    /// returns false: a delayed write never replaces a newer one).
    func publish(_ document: MemberDocument) async throws -> Bool
    /// Sets our pod's `pg-swarm.io/role`; for `primary`, first relabels any other pod of the
    /// cluster still labelled primary (a dead primary cannot relabel itself), so at most one
    /// pod carries it.
    func labelPod(_ role: RoleLabel) async throws
    /// Every observed change of the leader lease made by someone else (its new holder, nil
    /// once released or deleted). For waking early only: decisions read again.
    func leaderChanges() -> AsyncStream<String?>
}

/// One consistent read.
public struct ClusterReading: Sendable, Equatable {
    public var lease: LeaseRecord?
    public var members: [MemberDocument]

    public init(lease: LeaseRecord?, members: [MemberDocument]) {
        self.lease = lease
        self.members = members
    }
}
