public import Foundation
import Postgres

extension MetadataStore {
    public func databases(clusterID: UUID) async throws -> [ClusterDatabase] {
        try await pool.query(
            "SELECT \(unsafeSQL: ClusterDatabase.columns) FROM cluster_databases WHERE cluster_id = \(clusterID) ORDER BY db_name"
        ).rows.map(ClusterDatabase.init(row:))
    }

    public func database(_ id: UUID, clusterID: UUID) async throws -> ClusterDatabase? {
        try await pool.query(
            """
            SELECT \(unsafeSQL: ClusterDatabase.columns) FROM cluster_databases
            WHERE id = \(id) AND cluster_id = \(clusterID)
            """
        ).singleRow().map(ClusterDatabase.init(row:))
    }

    /// Databases with their sealed passwords, for building a satellite's ClusterConfig.
    public func sealedDatabases(clusterID: UUID) async throws -> [(database: ClusterDatabase, sealedPassword: [UInt8])]
    {
        try await pool.query(
            """
            SELECT \(unsafeSQL: ClusterDatabase.columns), password_sealed FROM cluster_databases
            WHERE cluster_id = \(clusterID) ORDER BY db_name
            """
        ).rows.map { (try ClusterDatabase(row: $0), try $0.decode([UInt8].self, "password_sealed")) }
    }

    /// Adds a database; `seal` encrypts the password bound to the new row's id. Nil if the name
    /// is taken in that cluster.
    public func createDatabase(
        clusterID: UUID, dbName: String, dbUser: String, allowedCIDRs: [String],
        seal: @Sendable (UUID) throws -> [UInt8]
    ) async throws -> (database: ClusterDatabase, change: ClusterChange)? {
        let id = UUID()
        let sealed = try seal(id)
        do {
            return try await pool.transaction { connection in
                let row = try connection.execute(
                    """
                    INSERT INTO cluster_databases (id, cluster_id, db_name, db_user, password_sealed, allowed_cidrs)
                    VALUES (\(id), \(clusterID), \(dbName), \(dbUser), \(sealed), \(PostgresTextArray(allowedCIDRs)))
                    RETURNING \(unsafeSQL: ClusterDatabase.columns)
                    """
                ).singleRow()!
                guard let change = try connection.touchCluster(clusterID) else {
                    throw StoreError.corruptRow("cluster vanished")
                }
                return (try ClusterDatabase(row: row), change)
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            return nil
        }
    }

    /// Changes owner, password (when `sealedPassword` is given) and networks; status goes back to pending.
    public func updateDatabase(
        _ id: UUID, clusterID: UUID, dbUser: String?, sealedPassword: [UInt8]?, allowedCIDRs: [String]?
    ) async throws -> (database: ClusterDatabase, change: ClusterChange)? {
        try await pool.transaction { connection in
            guard
                let row = try connection.execute(
                    """
                    UPDATE cluster_databases SET db_user = coalesce(\(dbUser), db_user),
                        password_sealed = coalesce(\(sealedPassword), password_sealed),
                        allowed_cidrs = coalesce(\(allowedCIDRs.map(PostgresTextArray.init)), allowed_cidrs),
                        status = 'pending', error_message = '', updated_at = now()
                    WHERE id = \(id) AND cluster_id = \(clusterID)
                    RETURNING \(unsafeSQL: ClusterDatabase.columns)
                    """
                ).singleRow()
            else { return nil }
            guard let change = try connection.touchCluster(clusterID) else { return nil }
            return (try ClusterDatabase(row: row), change)
        }
    }

    public func deleteDatabase(_ id: UUID, clusterID: UUID) async throws -> ClusterChange? {
        try await pool.transaction { connection in
            let deleted = try connection.execute(
                "DELETE FROM cluster_databases WHERE id = \(id) AND cluster_id = \(clusterID)"
            ).affectedRows
            guard deleted == 1 else { return nil }
            return try connection.touchCluster(clusterID)
        }
    }

    /// Records a DatabaseStatusReport (idempotent).
    public func setDatabaseStatus(
        satelliteID: UUID, namespace: String, clusterName: String, dbName: String, status: String, error: String
    ) async throws {
        try await pool.query(
            """
            UPDATE cluster_databases d SET status = \(status), error_message = \(error), updated_at = now()
            FROM clusters c
            WHERE d.cluster_id = c.id AND c.satellite_id = \(satelliteID) AND c.namespace = \(namespace)
              AND c.name = \(clusterName) AND d.db_name = \(dbName)
            """)
    }
}
