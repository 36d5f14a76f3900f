public import Foundation
import Postgres

/// Outcome of approving a satellite.
public enum ApprovalOutcome: Sendable, Equatable {
    case approved(Satellite, replaced: UUID?)
    case notFound
    case notPending(SatelliteState)
    case nameTaken
    /// Another active satellite serves the same Kubernetes cluster; approve with replace.
    case conflictingSatellite(UUID)
}

extension MetadataStore {
    public func satellites() async throws -> [Satellite] {
        try await pool.query("SELECT \(unsafeSQL: Satellite.columns) FROM satellites ORDER BY created_at, id").rows
            .map(Satellite.init(row:))
    }

    public func satellite(_ id: UUID) async throws -> Satellite? {
        try await pool.query("SELECT \(unsafeSQL: Satellite.columns) FROM satellites WHERE id = \(id)").singleRow()
            .map(Satellite.init(row:))
    }

    /// The satellite registered with this token hash, if any.
    public func satellite(tokenHash: [UInt8]) async throws -> Satellite? {
        try await pool.query(
            "SELECT \(unsafeSQL: Satellite.columns) FROM satellites WHERE auth_token_hash = \(tokenHash)"
        ).singleRow().map(Satellite.init(row:))
    }

    public func tokenHash(of id: UUID) async throws -> [UInt8]? {
        try await pool.query("SELECT auth_token_hash FROM satellites WHERE id = \(id)").singleRow()
            .map { try $0.decode([UInt8].self, "auth_token_hash") }
    }

    /// Inserts a pending satellite, or returns the one already registered with this token hash
    /// (Register is idempotent). `created` tells which.
    public func registerSatellite(
        hostname: String, k8sClusterName: String, region: String, labels: [String: String], tokenHash: [UInt8],
        satelliteVersion: String
    ) async throws -> (satellite: Satellite, created: Bool) {
        let id = UUID()
        let inserted = try await pool.query(
            """
            INSERT INTO satellites (id, hostname, k8s_cluster_name, region, labels, state, auth_token_hash,
                                    satellite_version)
            VALUES (\(id), \(hostname), \(k8sClusterName), \(region), \(PostgresJSON.encoding(labels))::jsonb,
                    'pending', \(tokenHash), \(satelliteVersion))
            ON CONFLICT (auth_token_hash) DO NOTHING
            RETURNING \(unsafeSQL: Satellite.columns)
            """
        ).singleRow()
        if let inserted { return (try Satellite(row: inserted), true) }
        guard let existing = try await satellite(tokenHash: tokenHash) else {
            throw StoreError.corruptRow("satellite token hash conflict without a row")
        }
        return (existing, false)
    }

    /// Approves a pending satellite under `name`; with `replace`, an active satellite of the same
    /// Kubernetes cluster is marked replaced (its token stops working) and its clusters move to
    /// the new one. One transaction.
    public func approveSatellite(_ id: UUID, name: String, replace: Bool) async throws -> ApprovalOutcome {
        do {
            return try await pool.transaction { connection in
                guard
                    let row = try connection.execute(
                        "SELECT \(unsafeSQL: Satellite.columns) FROM satellites WHERE id = \(id) FOR UPDATE"
                    ).singleRow()
                else { return .notFound }
                let candidate = try Satellite(row: row)
                guard candidate.state == .pending else { return .notPending(candidate.state) }
                let conflicting = try connection.execute(
                    """
                    SELECT id FROM satellites WHERE k8s_cluster_name = \(candidate.k8sClusterName)
                    AND state IN ('approved', 'connected', 'disconnected') AND id <> \(id) FOR UPDATE
                    """
                ).singleRow().map { try $0.decode(UUID.self, "id") }
                if let conflicting {
                    guard replace else { return .conflictingSatellite(conflicting) }
                    try connection.execute(
                        """
                        UPDATE satellites SET state = 'replaced', replaced_by = \(id), name = NULL,
                            updated_at = now() WHERE id = \(conflicting)
                        """)
                    // The rebuilt edge cluster inherits the old one's labels, tier mappings and
                    // clusters; its own registration labels win where both set a key.
                    try connection.execute(
                        """
                        UPDATE satellites SET labels = old.labels || satellites.labels,
                            tier_mappings = old.tier_mappings || satellites.tier_mappings
                        FROM satellites old WHERE satellites.id = \(id) AND old.id = \(conflicting)
                        """)
                    let moved = try connection.execute(
                        """
                        UPDATE clusters SET satellite_id = \(id), config_version = config_version + 1,
                            updated_at = now() WHERE satellite_id = \(conflicting)
                        """
                    ).affectedRows
                    if moved > 0 { try connection.bumpDesiredState(of: id) }
                }
                let approved = try connection.execute(
                    """
                    UPDATE satellites SET state = 'approved', name = \(name), approved_at = now(), updated_at = now()
                    WHERE id = \(id) RETURNING \(unsafeSQL: Satellite.columns)
                    """
                ).singleRow()!
                return .approved(try Satellite(row: approved), replaced: conflicting)
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            return .nameTaken
        }
    }

    /// Rejects a pending satellite; returns its state before (nil if unknown).
    public func rejectSatellite(_ id: UUID) async throws -> SatelliteState? {
        try await pool.transaction { connection in
            guard
                let row = try connection.execute("SELECT state FROM satellites WHERE id = \(id) FOR UPDATE")
                    .singleRow()
            else { return nil }
            let state = SatelliteState(rawValue: try row.decode(String.self, "state")) ?? .pending
            if state == .pending {
                try connection.execute("UPDATE satellites SET state = 'rejected', updated_at = now() WHERE id = \(id)")
            }
            return state
        }
    }

    /// Sets `labels` and returns the updated satellite.
    public func setLabels(_ id: UUID, _ labels: [String: String]) async throws -> Satellite? {
        try await pool.query(
            """
            UPDATE satellites SET labels = \(PostgresJSON.encoding(labels))::jsonb, updated_at = now()
            WHERE id = \(id) RETURNING \(unsafeSQL: Satellite.columns)
            """
        ).singleRow().map(Satellite.init(row:))
    }

    public func setTierMappings(_ id: UUID, _ mappings: [String: String]) async throws -> Satellite? {
        try await pool.query(
            """
            UPDATE satellites SET tier_mappings = \(PostgresJSON.encoding(mappings))::jsonb, updated_at = now()
            WHERE id = \(id) RETURNING \(unsafeSQL: Satellite.columns)
            """
        ).singleRow().map(Satellite.init(row:))
    }

    public func setStorageClasses(_ id: UUID, _ classes: [StorageClassInfo]) async throws -> Satellite? {
        try await pool.query(
            """
            UPDATE satellites SET storage_classes = \(PostgresJSON.encoding(classes))::jsonb, updated_at = now()
            WHERE id = \(id) RETURNING \(unsafeSQL: Satellite.columns)
            """
        ).singleRow().map(Satellite.init(row:))
    }

    /// Moves an active satellite between connected and disconnected (never revives a revoked
    /// one); returns the updated row, or nil if nothing changed.
    public func setConnected(_ id: UUID, _ connected: Bool, version: String? = nil) async throws -> Satellite? {
        let state = connected ? "connected" : "disconnected"
        return try await pool.query(
            """
            UPDATE satellites SET state = \(state), satellite_version = coalesce(\(version), satellite_version),
                last_heartbeat = CASE WHEN \(connected) THEN now() ELSE last_heartbeat END, updated_at = now()
            WHERE id = \(id) AND state IN ('approved', 'connected', 'disconnected')
            RETURNING \(unsafeSQL: Satellite.columns)
            """
        ).singleRow().map(Satellite.init(row:))
    }

    /// Writes many heartbeat times in one statement (heartbeats are batched by `HeartbeatRecorder`).
    public func recordHeartbeats(_ beats: [UUID: Date]) async throws {
        guard !beats.isEmpty else { return }
        let ids = PostgresTextArray(beats.keys.map { $0.uuidString.lowercased() })
        let times = PostgresTextArray(beats.values.map { PostgresTimestamp.format($0) })
        try await pool.query(
            """
            UPDATE satellites SET last_heartbeat = greatest(coalesce(last_heartbeat, beat.at), beat.at)
            FROM unnest(\(ids)::uuid[], \(times)::timestamptz[]) AS beat(id, at)
            WHERE satellites.id = beat.id
            """)
    }

    /// Satellites by state, for metrics.
    public func satelliteCounts() async throws -> [SatelliteState: Int] {
        var counts: [SatelliteState: Int] = [:]
        for row in try await pool.query("SELECT state, count(*) AS n FROM satellites GROUP BY state").rows {
            if let state = SatelliteState(rawValue: try row.decode(String.self, "state")) {
                counts[state] = try row.decode(Int.self, "n")
            }
        }
        return counts
    }
}
