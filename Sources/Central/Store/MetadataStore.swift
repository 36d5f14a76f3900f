import Foundation
public import Postgres

/// Central's PostgreSQL metadata store: every read and write of desired and observed state.
///
/// Values always travel as parameters (`PostgresQuery` interpolation); multi-step changes run in
/// one transaction on one connection (`pool.transaction`), so a crash never leaves half a change,
/// and every change to a satellite's clusters bumps that satellite's `desired_state_version` in
/// the same transaction (see desired_state.proto).
public struct MetadataStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// `SELECT 1` within `timeout` seconds: the readiness probe.
    public func ping() async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await pool.query("SELECT 1")) != nil }
            group.addTask {
                try? await Task.sleep(for: .seconds(2))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}

extension PostgresConnection {
    /// Bumps a satellite's desired-state version; call inside the transaction that changed it.
    @discardableResult
    func bumpDesiredState(of satelliteID: UUID) throws -> Int64 {
        let row = try execute(
            """
            UPDATE satellites SET desired_state_version = desired_state_version + 1
            WHERE id = \(satelliteID) RETURNING desired_state_version
            """
        ).singleRow()
        guard let row else { throw StoreError.corruptRow("satellite \(satelliteID) vanished") }
        return try row.decode(Int64.self, "desired_state_version")
    }
}
