public import FoundationEssentials

/// Everything one failover decision needs to know about the local server, read in one statement.
public struct NodeStatus: Sendable, Equatable {
    /// True on a standby (`pg_is_in_recovery()`).
    public var inRecovery: Bool
    /// Primary only: where WAL is being written (`pg_current_wal_lsn()`).
    public var currentLSN: LSN?
    /// Primary only: WAL durably flushed (`pg_current_wal_flush_lsn()`).
    public var flushLSN: LSN?
    /// Standby only: WAL received and flushed by the WAL receiver (`pg_last_wal_receive_lsn()`).
    public var receivedLSN: LSN?
    /// Standby only: WAL replayed (`pg_last_wal_replay_lsn()`).
    public var replayedLSN: LSN?
    /// Standby: commit time of the last replayed transaction.
    public var lastReplayedTransactionAt: Date?
    /// The timeline the node is on: from the current WAL file on a primary; on a standby the
    /// newest of the last checkpoint's and the WAL receiver's timeline.
    public var timeline: Int
    /// Timeline of the last checkpoint or restartpoint (`pg_control_checkpoint()`).
    public var checkpointTimeline: Int
    /// Standby: WAL receiver state (`streaming`, `catchup`, ...) or nil when none runs.
    public var walReceiverStatus: String?
    public var serverVersion: Int
    public var startedAt: Date

    /// The most advanced WAL position this node holds: written on a primary, received (or at
    /// least replayed) on a standby. Candidate selection compares this.
    public var walPosition: LSN {
        if !inRecovery { return currentLSN ?? .zero }
        return max(receivedLSN ?? .zero, replayedLSN ?? .zero)
    }
}

extension PostgresConnection {
    /// Reads the node status in one round trip.
    public nonisolated func nodeStatus() async throws -> NodeStatus {
        let result = try await query(
            """
            SELECT pg_is_in_recovery() AS in_recovery,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END AS current_lsn,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_flush_lsn() END AS flush_lsn,
                   pg_last_wal_receive_lsn() AS received_lsn,
                   pg_last_wal_replay_lsn() AS replayed_lsn,
                   pg_last_xact_replay_timestamp() AS last_replay_at,
                   (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_timeline,
                   CASE WHEN pg_is_in_recovery() THEN NULL
                        ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int8 END
                     AS wal_timeline,
                   (SELECT received_tli FROM pg_stat_wal_receiver) AS receiver_timeline,
                   (SELECT status FROM pg_stat_wal_receiver) AS receiver_status,
                   current_setting('server_version_num')::int AS server_version,
                   pg_postmaster_start_time() AS started_at
            """)
        guard let row = try result.singleRow() else {
            throw PostgresError.decoding(column: "*", message: "node status returned no row")
        }
        let checkpointTimeline = try row.decode(Int.self, "checkpoint_timeline")
        let walTimeline = try row.decode(Int?.self, "wal_timeline")
        let receiverTimeline = try row.decode(Int?.self, "receiver_timeline")
        return NodeStatus(
            inRecovery: try row.decode(Bool.self, "in_recovery"),
            currentLSN: try row.decode(LSN?.self, "current_lsn"),
            flushLSN: try row.decode(LSN?.self, "flush_lsn"),
            receivedLSN: try row.decode(LSN?.self, "received_lsn"),
            replayedLSN: try row.decode(LSN?.self, "replayed_lsn"),
            lastReplayedTransactionAt: try row.decode(Date?.self, "last_replay_at"),
            timeline: walTimeline ?? max(checkpointTimeline, receiverTimeline ?? 0),
            checkpointTimeline: checkpointTimeline,
            walReceiverStatus: try row.decode(String?.self, "receiver_status"),
            serverVersion: try row.decode(Int.self, "server_version"),
            startedAt: try row.decode(Date.self, "started_at"))
    }
}
