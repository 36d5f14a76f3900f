public import Foundation
import Postgres

extension MetadataStore {
    /// Records a requested switchover; nil when the cluster already has an unfinished one.
    public func createSwitchover(clusterID: UUID, satelliteID: UUID, targetPod: String, interactive: Bool)
        async throws -> SwitchoverOperation?
    {
        do {
            return try await pool.query(
                """
                INSERT INTO switchover_operations (id, cluster_id, satellite_id, target_pod, interactive, status)
                VALUES (\(UUID()), \(clusterID), \(satelliteID), \(targetPod), \(interactive), 'requested')
                RETURNING \(unsafeSQL: SwitchoverOperation.columns)
                """
            ).singleRow().map(SwitchoverOperation.init(row:))
        } catch let error as PostgresError where error.isUniqueViolation {
            return nil
        }
    }

    public func switchover(_ id: UUID) async throws -> SwitchoverOperation? {
        try await pool.query(
            "SELECT \(unsafeSQL: SwitchoverOperation.columns) FROM switchover_operations WHERE id = \(id)"
        ).singleRow().map(SwitchoverOperation.init(row:))
    }

    public func switchovers(clusterID: UUID) async throws -> [SwitchoverOperation] {
        try await pool.query(
            """
            SELECT \(unsafeSQL: SwitchoverOperation.columns) FROM switchover_operations
            WHERE cluster_id = \(clusterID) ORDER BY requested_at DESC LIMIT 50
            """
        ).rows.map(SwitchoverOperation.init(row:))
    }

    /// Appends a progress step unless the same (step, status) is already recorded (progress is
    /// resent after reconnects).
    public func recordSwitchoverProgress(_ id: UUID, step: SwitchoverOperation.Step, oldPrimary: String)
        async throws -> SwitchoverOperation?
    {
        let waiting = step.status == "waiting_for_confirmation"
        let stepJSON = PostgresJSON.encoding([step])
        return try await pool.query(
            """
            UPDATE switchover_operations SET
                steps = CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(steps) s
                                          WHERE s->>'step' = \(step.step) AND s->>'status' = \(step.status))
                             THEN steps ELSE steps || \(stepJSON)::jsonb END,
                current_step = \(step.step),
                status = CASE WHEN status IN ('succeeded', 'failed', 'aborted') THEN status
                              WHEN \(waiting) THEN 'waiting_for_confirmation' ELSE 'running' END,
                waiting_step = CASE WHEN \(waiting) THEN \(step.step) ELSE '' END,
                old_primary_pod = CASE WHEN \(oldPrimary) = '' THEN old_primary_pod ELSE \(oldPrimary) END
            WHERE id = \(id) RETURNING \(unsafeSQL: SwitchoverOperation.columns)
            """
        ).singleRow().map(SwitchoverOperation.init(row:))
    }

    /// Records the outcome (idempotent: a finished operation keeps its first outcome).
    public func finishSwitchover(
        _ id: UUID, status: String, newPrimary: String, oldPrimary: String, error: String, rolledBack: Bool
    ) async throws -> SwitchoverOperation? {
        try await pool.query(
            """
            UPDATE switchover_operations SET status = \(status), new_primary_pod = \(newPrimary),
                old_primary_pod = CASE WHEN \(oldPrimary) = '' THEN old_primary_pod ELSE \(oldPrimary) END,
                error_message = \(error), rolled_back = \(rolledBack), waiting_step = '', finished_at = now()
            WHERE id = \(id) AND finished_at IS NULL RETURNING \(unsafeSQL: SwitchoverOperation.columns)
            """
        ).singleRow().map(SwitchoverOperation.init(row:))
    }

    /// Switchovers by final status, for metrics.
    public func switchoverCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await pool.query("SELECT status, count(*) AS n FROM switchover_operations GROUP BY status").rows
        {
            counts[try row.decode(String.self, "status")] = try row.decode(Int.self, "n")
        }
        return counts
    }
}
