public import Postgres

/// The local PostgreSQL server as the shell observed it at the start of a cycle.
public enum LocalPostgres: Equatable, Sendable {
    case running(PostgresSnapshot)
    /// The postmaster runs but does not accept connections yet (SQLSTATE 57P03, crash recovery).
    case starting
    /// The supervisor is rewinding or re-cloning the data directory.
    case rebuilding
    /// Not running (crashed, stopped, or not answering within the status query's timeout).
    case down

    public var snapshot: PostgresSnapshot? {
        if case .running(let snapshot) = self { return snapshot }
        return nil
    }

    /// Accepting writes: a running primary that is not fenced.
    public var isWritable: Bool {
        guard let snapshot else { return false }
        return snapshot.role == .primary && !snapshot.fenced
    }

    public var memberRole: MemberRole {
        switch self {
        case .running(let snapshot): snapshot.role == .primary ? .primary : .replica
        case .starting: .starting
        case .rebuilding: .rebuilding
        case .down: .down
        }
    }
}

public enum PostgresRole: String, Equatable, Sendable {
    case primary, replica
}

/// Everything a decision needs from a running server, read in one go.
public struct PostgresSnapshot: Equatable, Sendable {
    public var role: PostgresRole
    /// The hard fence (`PostgresFence.isFenced`) is in place.
    public var fenced: Bool
    public var timeline: Int
    /// Primary: current WAL position. Replica: WAL received and flushed.
    public var walPosition: LSN
    public var replayedLSN: LSN
    /// Replica: the member its `primary_conninfo` points at, nil if none.
    public var upstream: String?
    /// Replica: the WAL receiver is streaming.
    public var streaming: Bool
    /// Primary: the members in `synchronous_standby_names` (`*` means any standby).
    public var synchronousStandbyNames: [String]
    /// Primary: its standbys (`pg_stat_replication`), by application name = member name.
    public var standbys: [StandbyProgress]

    public init(
        role: PostgresRole, fenced: Bool, timeline: Int, walPosition: LSN, replayedLSN: LSN? = nil,
        upstream: String? = nil, streaming: Bool = false, synchronousStandbyNames: [String] = [],
        standbys: [StandbyProgress] = []
    ) {
        self.role = role
        self.fenced = fenced
        self.timeline = timeline
        self.walPosition = walPosition
        self.replayedLSN = replayedLSN ?? walPosition
        self.upstream = upstream
        self.streaming = streaming
        self.synchronousStandbyNames = synchronousStandbyNames
        self.standbys = standbys
    }

    /// Maps the Postgres layer's status query plus the facts it does not cover.
    public init(
        _ status: NodeStatus, fenced: Bool, upstream: String?, synchronousStandbyNames: [String],
        standbys: [ReplicationPeer]
    ) {
        self.init(
            role: status.inRecovery ? .replica : .primary, fenced: fenced, timeline: status.timeline,
            walPosition: status.walPosition, replayedLSN: status.replayedLSN ?? status.walPosition,
            upstream: upstream, streaming: status.walReceiverStatus == "streaming",
            synchronousStandbyNames: synchronousStandbyNames,
            standbys: standbys.map(StandbyProgress.init))
    }
}

/// One standby of the local primary.
public struct StandbyProgress: Equatable, Sendable {
    public var member: String
    public var flushLSN: LSN
    public var streaming: Bool
    /// PostgreSQL reports it as a synchronous standby (`sync_state` sync or quorum).
    public var synchronous: Bool

    public init(member: String, flushLSN: LSN, streaming: Bool, synchronous: Bool) {
        self.member = member
        self.flushLSN = flushLSN
        self.streaming = streaming
        self.synchronous = synchronous
    }

    public init(_ peer: ReplicationPeer) {
        self.init(
            member: peer.applicationName, flushLSN: peer.flushLSN ?? .zero, streaming: peer.state == "streaming",
            synchronous: peer.syncState == "sync" || peer.syncState == "quorum")
    }
}
