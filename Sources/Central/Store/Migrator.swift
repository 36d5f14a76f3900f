public import Logging
public import Postgres

/// Applies `Migration.all` under a PostgreSQL advisory lock, so several centrals starting at the
/// same moment on one database take turns: the first applies what is missing, the others find
/// nothing left to do. Work that must happen exactly once per database at first start (the
/// admin token) runs inside the same lock through `whileLocked`.
public struct Migrator: Sendable {
    /// Arbitrary 64-bit key identifying "pg-swarm schema" among advisory locks.
    static let lockKey: Int64 = 0x7067_7377_6172_6d01

    public let migrations: [Migration]
    private let logger: Logger

    public init(migrations: [Migration] = Migration.all, logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Returns the versions applied by this call (empty when the schema was current).
    @discardableResult
    public func migrate(
        _ pool: PostgresPool, whileLocked: @Sendable (PostgresConnection) async throws -> Void = { _ in }
    ) async throws -> [Int] {
        try await pool.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await apply(on: connection)
                try await whileLocked(connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                // Session-level lock: closing the session would release it too, but the pool may
                // keep the session, so release explicitly.
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations").rows
        var recorded: [Int: String] = [:]
        for row in rows { recorded[try row.decode(Int.self, "version")] = try row.decode(String.self, "checksum") }
        if let newest = recorded.keys.max(), newest > (migrations.map(\.version).max() ?? 0) {
            throw StoreError.schemaTooNew(databaseVersion: newest)
        }
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            if let checksum = recorded[migration.version] {
                guard checksum == migration.checksum else {
                    throw StoreError.migrationChecksumMismatch(version: migration.version)
                }
                continue
            }
            let sql = migration.sql
            let version = migration.version
            let name = migration.name
            let checksum = migration.checksum
            try await connection.transaction { connection in
                try connection.executeScript(sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(version), \(name), \(checksum))")
            }
            logger.notice("applied schema migration", metadata: ["db.migration": "\(version) \(name)"])
            applied.append(version)
        }
        return applied
    }
}
