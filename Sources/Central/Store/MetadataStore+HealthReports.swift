public import Foundation
public import Postgres

extension MetadataStore {
    /// Stores a health report and the cluster state it reports in one round trip (a satellite
    /// sends one every 10 s per cluster: at 10,000 satellites that is a thousand a second).
    /// Returns the cluster when its state changed. An older report never overwrites a newer one;
    /// paused and deleting clusters keep their state.
    public func recordHealthReport(
        satelliteID: UUID, namespace: String, clusterName: String, state: String, observedState: ClusterState?,
        leaseHolder: String, appliedConfigVersion: Int64, instances: PostgresJSON, reportedAt: Date
    ) async throws -> Cluster? {
        try await pool.query(
            """
            WITH health AS (
                INSERT INTO cluster_health (satellite_id, namespace, cluster_name, state, lease_holder,
                                            applied_config_version, instances, reported_at, received_at)
                VALUES (\(satelliteID), \(namespace), \(clusterName), \(state), \(leaseHolder), \(appliedConfigVersion),
                        \(instances)::jsonb, \(reportedAt), now())
                ON CONFLICT (satellite_id, namespace, cluster_name) DO UPDATE SET state = EXCLUDED.state,
                    lease_holder = EXCLUDED.lease_holder, applied_config_version = EXCLUDED.applied_config_version,
                    instances = EXCLUDED.instances, reported_at = EXCLUDED.reported_at, received_at = now()
                WHERE cluster_health.reported_at <= EXCLUDED.reported_at
            ), observed AS (
                UPDATE clusters SET state = \(observedState?.rawValue), updated_at = now()
                WHERE \(observedState?.rawValue)::text IS NOT NULL
                  AND satellite_id = \(satelliteID) AND namespace = \(namespace) AND name = \(clusterName)
                  AND state <> \(observedState?.rawValue) AND NOT paused AND NOT delete_requested
                RETURNING \(unsafeSQL: Cluster.columns)
            )
            SELECT \(unsafeSQL: Cluster.columns) FROM observed
            """
        ).singleRow().map(Cluster.init(row:))
    }
}
