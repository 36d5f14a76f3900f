public import Postgres

/// What a member publishes about itself every cycle, where its peers can read it (for example a
/// per-member Lease or a pod annotation). Peers judge its age by their own clock, from when they
/// saw it change (`PeerView`), never by `publishedAt`.
public struct MemberStatus: Equatable, Sendable {
    public var member: String
    /// Incremented by the publisher on every publication. The store keeps a status only over an
    /// older sequence, so a delayed write can never replace a newer one (the synchronous
    /// standby claim depends on that: see `SynchronousReplicationPlanner`).
    public var sequence: UInt64
    public var role: MemberRole
    /// Running and answering; for a replica, in recovery.
    public var healthy: Bool
    public var fenced: Bool
    public var timeline: Int
    /// Primary: WAL written (current LSN). Replica: WAL received and flushed.
    public var walPosition: LSN
    public var replayedLSN: LSN
    /// Primary only: the standbys it vouches hold every acknowledged commit (its synchronous
    /// standby claim). Empty means no replica may be promoted without possible loss.
    public var synchronousStandbys: [String]
    /// The publisher's wall-clock time, filled by the shell. Display only.
    public var publishedAt: LeaseTimestamp?

    public init(
        member: String, sequence: UInt64, role: MemberRole, healthy: Bool, fenced: Bool, timeline: Int,
        walPosition: LSN, replayedLSN: LSN, synchronousStandbys: [String] = [], publishedAt: LeaseTimestamp? = nil
    ) {
        self.member = member
        self.sequence = sequence
        self.role = role
        self.healthy = healthy
        self.fenced = fenced
        self.timeline = timeline
        self.walPosition = walPosition
        self.replayedLSN = replayedLSN
        self.synchronousStandbys = synchronousStandbys
        self.publishedAt = publishedAt
    }
}

public enum MemberRole: String, Equatable, Sendable, CaseIterable {
    case primary, replica, starting, rebuilding, down
}

/// A peer's latest publication and when we saw it change.
public struct PeerView: Equatable, Sendable {
    public private(set) var status: MemberStatus
    public private(set) var observedAt: MonotonicInstant

    public init(status: MemberStatus, observedAt: MonotonicInstant) {
        self.status = status
        self.observedAt = observedAt
    }

    public func observing(_ status: MemberStatus, at now: MonotonicInstant) -> PeerView {
        status == self.status ? self : PeerView(status: status, observedAt: now)
    }

    public func age(at now: MonotonicInstant) -> Duration { observedAt.duration(to: now) }
}
