public import Foundation
import Postgres

/// A cluster about to be created.
public struct NewCluster: Sendable {
    public var name: String
    public var namespace: String
    public var satelliteID: UUID
    public var profileID: UUID?
    public var deploymentRuleID: UUID?
    public var spec: ClusterSpec
    public var appliedProfileVersion: Int

    public init(
        name: String, namespace: String, satelliteID: UUID, profileID: UUID?, deploymentRuleID: UUID?,
        spec: ClusterSpec,
        appliedProfileVersion: Int
    ) {
        self.name = name
        self.namespace = namespace
        self.satelliteID = satelliteID
        self.profileID = profileID
        self.deploymentRuleID = deploymentRuleID
        self.spec = spec
        self.appliedProfileVersion = appliedProfileVersion
    }
}

/// A cluster change that the satellite must hear about: the cluster and the satellite's new
/// desired-state version.
public struct ClusterChange: Sendable, Equatable {
    public var cluster: Cluster
    public var desiredStateVersion: Int64
}

extension MetadataStore {
    public func clusters(
        satelliteID: UUID? = nil, ruleID: UUID? = nil, profileID: UUID? = nil
    ) async throws -> [Cluster] {
        try await pool.query(
            """
            SELECT \(unsafeSQL: Cluster.columns) FROM clusters
            WHERE (\(satelliteID)::uuid IS NULL OR satellite_id = \(satelliteID))
              AND (\(ruleID)::uuid IS NULL OR deployment_rule_id = \(ruleID))
              AND (\(profileID)::uuid IS NULL OR profile_id = \(profileID))
            ORDER BY created_at, id
            """
        ).rows.map(Cluster.init(row:))
    }

    public func cluster(_ id: UUID) async throws -> Cluster? {
        try await pool.query("SELECT \(unsafeSQL: Cluster.columns) FROM clusters WHERE id = \(id)").singleRow()
            .map(Cluster.init(row:))
    }

    public func cluster(satelliteID: UUID, namespace: String, name: String) async throws -> Cluster? {
        try await pool.query(
            """
            SELECT \(unsafeSQL: Cluster.columns) FROM clusters
            WHERE satellite_id = \(satelliteID) AND namespace = \(namespace) AND name = \(name)
            """
        ).singleRow().map(Cluster.init(row:))
    }

    /// Creates a cluster; nil when the satellite already has one with that name and namespace.
    public func createCluster(_ new: NewCluster) async throws -> ClusterChange? {
        do {
            return try await pool.transaction { connection in try connection.insertCluster(new) }
        } catch let error as PostgresError where error.isUniqueViolation {
            return nil
        }
    }

    /// Replaces a cluster's spec (config_version + 1). `appliedProfileVersion` and `state` are
    /// changed only when given.
    public func updateCluster(
        _ id: UUID, spec: ClusterSpec, appliedProfileVersion: Int? = nil, state: ClusterState? = nil
    ) async throws -> ClusterChange? {
        try await pool.transaction { connection in
            guard
                let row = try connection.execute(
                    """
                    UPDATE clusters SET spec = \(PostgresJSON.encoding(spec))::jsonb, config_version = config_version + 1,
                        applied_profile_version = coalesce(\(appliedProfileVersion.map(Int64.init))::int,
                                                           applied_profile_version),
                        state = coalesce(\(state?.rawValue)::text, state), updated_at = now()
                    WHERE id = \(id) AND NOT delete_requested RETURNING \(unsafeSQL: Cluster.columns)
                    """
                ).singleRow()
            else { return nil }
            let cluster = try Cluster(row: row)
            return ClusterChange(
                cluster: cluster, desiredStateVersion: try connection.bumpDesiredState(of: cluster.satelliteID))
        }
    }

    /// Pauses or resumes; resuming with `onlyReason` leaves clusters paused for another reason alone.
    public func setPaused(
        _ id: UUID, paused: Bool, reason: PauseReason?, onlyReason: PauseReason? = nil
    ) async throws -> ClusterChange? {
        try await pool.transaction { connection in
            guard
                let row = try connection.execute(
                    """
                    UPDATE clusters SET paused = \(paused), paused_reason = \(paused ? reason?.rawValue : nil),
                        state = CASE WHEN \(paused) THEN 'paused' ELSE 'creating' END,
                        config_version = config_version + 1, updated_at = now()
                    WHERE id = \(id) AND paused <> \(paused) AND NOT delete_requested
                      AND (\(onlyReason?.rawValue)::text IS NULL OR paused_reason = \(onlyReason?.rawValue))
                    RETURNING \(unsafeSQL: Cluster.columns)
                    """
                ).singleRow()
            else { return nil }
            let cluster = try Cluster(row: row)
            return ClusterChange(
                cluster: cluster, desiredStateVersion: try connection.bumpDesiredState(of: cluster.satelliteID))
        }
    }

    /// Marks a cluster for deletion; the row stays until the satellite confirms.
    public func requestClusterDeletion(_ id: UUID, retainVolumes: Bool) async throws -> ClusterChange? {
        try await pool.transaction { connection in
            guard
                let row = try connection.execute(
                    """
                    UPDATE clusters SET delete_requested = true, retain_volumes = \(retainVolumes), state = 'deleting',
                        updated_at = now()
                    WHERE id = \(id) RETURNING \(unsafeSQL: Cluster.columns)
                    """
                ).singleRow()
            else { return nil }
            let cluster = try Cluster(row: row)
            return ClusterChange(
                cluster: cluster, desiredStateVersion: try connection.bumpDesiredState(of: cluster.satelliteID))
        }
    }

    /// Whether a cluster marked for deletion keeps its volumes.
    public func retainsVolumes(_ id: UUID) async throws -> Bool {
        try await pool.query("SELECT retain_volumes FROM clusters WHERE id = \(id)").singleRow()
            .map { try $0.decode(Bool.self, "retain_volumes") } ?? false
    }

    /// Removes a cluster whose deletion the satellite confirmed; returns its id if one was removed.
    public func removeDeletedCluster(satelliteID: UUID, namespace: String, name: String) async throws -> UUID? {
        try await pool.query(
            """
            DELETE FROM clusters WHERE satellite_id = \(satelliteID) AND namespace = \(namespace) AND name = \(name)
              AND delete_requested RETURNING id
            """
        ).singleRow().map { try $0.decode(UUID.self, "id") }
    }

    /// Records a ConfigAck: the applied version only grows; a failure keeps its message.
    public func recordConfigAck(
        satelliteID: UUID, namespace: String, name: String, version: Int64, success: Bool, error: String
    ) async throws -> Cluster? {
        try await pool.query(
            """
            UPDATE clusters SET
                applied_config_version = CASE WHEN \(success) THEN greatest(applied_config_version, \(version))
                                              ELSE applied_config_version END,
                last_apply_error = CASE WHEN \(success) THEN NULL ELSE \(error) END,
                updated_at = now()
            WHERE satellite_id = \(satelliteID) AND namespace = \(namespace) AND name = \(name)
            RETURNING \(unsafeSQL: Cluster.columns)
            """
        ).singleRow().map(Cluster.init(row:))
    }

    /// Takes the observed state from a health report (paused and deleting clusters keep theirs).
    public func setObservedState(satelliteID: UUID, namespace: String, name: String, state: ClusterState) async throws
        -> Cluster?
    {
        try await pool.query(
            """
            UPDATE clusters SET state = \(state.rawValue), updated_at = now()
            WHERE satellite_id = \(satelliteID) AND namespace = \(namespace) AND name = \(name)
              AND state <> \(state.rawValue) AND NOT paused AND NOT delete_requested
            RETURNING \(unsafeSQL: Cluster.columns)
            """
        ).singleRow().map(Cluster.init(row:))
    }

    public func clusterCounts() async throws -> [ClusterState: Int] {
        var counts: [ClusterState: Int] = [:]
        for row in try await pool.query("SELECT state, count(*) AS n FROM clusters GROUP BY state").rows {
            if let state = ClusterState(rawValue: try row.decode(String.self, "state")) {
                counts[state] = try row.decode(Int.self, "n")
            }
        }
        return counts
    }
}

extension PostgresConnection {
    func insertCluster(_ new: NewCluster) throws -> ClusterChange {
        let row = try execute(
            """
            INSERT INTO clusters (id, name, namespace, satellite_id, profile_id, deployment_rule_id, spec,
                                  applied_profile_version, state)
            VALUES (\(UUID()), \(new.name), \(new.namespace), \(new.satelliteID), \(new.profileID),
                    \(new.deploymentRuleID), \(PostgresJSON.encoding(new.spec))::jsonb,
                    \(Int64(new.appliedProfileVersion)), 'creating')
            RETURNING \(unsafeSQL: Cluster.columns)
            """
        ).singleRow()!
        let cluster = try Cluster(row: row)
        return ClusterChange(cluster: cluster, desiredStateVersion: try bumpDesiredState(of: new.satelliteID))
    }

    /// config_version + 1 on a cluster (its databases changed) and the satellite's bump.
    func touchCluster(_ id: UUID) throws -> ClusterChange? {
        guard
            let row = try execute(
                """
                UPDATE clusters SET config_version = config_version + 1, updated_at = now()
                WHERE id = \(id) RETURNING \(unsafeSQL: Cluster.columns)
                """
            ).singleRow()
        else { return nil }
        let cluster = try Cluster(row: row)
        return ClusterChange(cluster: cluster, desiredStateVersion: try bumpDesiredState(of: cluster.satelliteID))
    }
}
