public import FoundationEssentials

/// One standby streaming from this primary (`pg_stat_replication`).
public struct ReplicationPeer: Sendable, Equatable {
    public var pid: Int
    public var applicationName: String
    public var clientAddress: String?
    /// `startup`, `catchup`, `streaming`, `backup` or `stopping`.
    public var state: String
    public var sentLSN: LSN?
    public var writeLSN: LSN?
    public var flushLSN: LSN?
    public var replayLSN: LSN?
    /// Seconds, as measured by the primary; nil when idle.
    public var writeLag: Double?
    public var flushLag: Double?
    public var replayLag: Double?
    /// `async`, `potential`, `sync` or `quorum`.
    public var syncState: String
}

/// This standby's WAL receiver (`pg_stat_wal_receiver`).
public struct WALReceiverStatus: Sendable, Equatable {
    public var pid: Int
    public var status: String
    public var receivedTimeline: Int
    public var writtenLSN: LSN?
    public var flushedLSN: LSN?
    public var latestEndLSN: LSN?
    public var senderHost: String?
    public var senderPort: Int?
    public var slotName: String?
    public var lastMessageReceivedAt: Date?
}

extension PostgresConnection {
    public nonisolated func replicationPeers() async throws -> [ReplicationPeer] {
        try await query(
            """
            SELECT pid, application_name, host(client_addr) AS client_addr, state,
                   sent_lsn, write_lsn, flush_lsn, replay_lsn,
                   extract(epoch FROM write_lag)::float8 AS write_lag,
                   extract(epoch FROM flush_lag)::float8 AS flush_lag,
                   extract(epoch FROM replay_lag)::float8 AS replay_lag,
                   sync_state
            FROM pg_stat_replication ORDER BY application_name, pid
            """
        ).rows.map { row in
            ReplicationPeer(
                pid: try row.decode(Int.self, "pid"), applicationName: try row.decode(String.self, "application_name"),
                clientAddress: try row.decode(String?.self, "client_addr"), state: try row.decode(String.self, "state"),
                sentLSN: try row.decode(LSN?.self, "sent_lsn"), writeLSN: try row.decode(LSN?.self, "write_lsn"),
                flushLSN: try row.decode(LSN?.self, "flush_lsn"), replayLSN: try row.decode(LSN?.self, "replay_lsn"),
                writeLag: try row.decode(Double?.self, "write_lag"),
                flushLag: try row.decode(Double?.self, "flush_lag"),
                replayLag: try row.decode(Double?.self, "replay_lag"),
                syncState: try row.decode(String.self, "sync_state"))
        }
    }

    /// The WAL receiver, or nil on a primary (or a standby not currently streaming).
    public nonisolated func walReceiver() async throws -> WALReceiverStatus? {
        let result = try await query(
            """
            SELECT pid, status, received_tli, written_lsn, flushed_lsn, latest_end_lsn,
                   sender_host, sender_port, slot_name, last_msg_receipt_time
            FROM pg_stat_wal_receiver
            """)
        guard let row = try result.singleRow() else { return nil }
        return WALReceiverStatus(
            pid: try row.decode(Int.self, "pid"), status: try row.decode(String.self, "status"),
            receivedTimeline: try row.decode(Int.self, "received_tli"),
            writtenLSN: try row.decode(LSN?.self, "written_lsn"), flushedLSN: try row.decode(LSN?.self, "flushed_lsn"),
            latestEndLSN: try row.decode(LSN?.self, "latest_end_lsn"),
            senderHost: try row.decode(String?.self, "sender_host"),
            senderPort: try row.decode(Int?.self, "sender_port"),
            slotName: try row.decode(String?.self, "slot_name"),
            lastMessageReceivedAt: try row.decode(Date?.self, "last_msg_receipt_time"))
    }
}
