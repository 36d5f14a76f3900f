import PGSwarmAPI
import Postgres

/// CreateDatabaseCmd's SQL: idempotent, identifiers quoted, the password never in SQL text.
enum DatabaseProvisioning {
    /// CREATE ROLE and ALTER ROLE take no parameters, so the password travels as a bind
    /// parameter into a transaction-local setting, and the server formats the statement itself
    /// (`format('%I', '%L')`) inside a DO block. The statement text we send holds no secret, so
    /// `log_statement = 'ddl'` logs none either (with `log_statement = 'all'` PostgreSQL logs
    /// bind parameters too: that setting exposes every application's data anyway).
    ///
    /// A superuser or replication role is refused: the token that may create databases must not
    /// be able to reset the passwords the cluster itself runs on.
    static func ensureRole(_ request: DatabaseRequest, on session: PostgresConnection) async throws {
        let owner = request.owner
        let password = request.password
        try await session.transaction { connection in
            let privileged = try connection.execute(
                "SELECT rolsuper OR rolreplication AS privileged FROM pg_roles WHERE rolname = \(owner)"
            ).singleRow()
            if try privileged?.decode(Bool.self, "privileged") == true {
                throw CommandFailure(.rejected, "db_user names a superuser or replication role")
            }
            try connection.execute(
                """
                SELECT set_config('pg_swarm.role_name', \(owner), true) AS role_name,
                       set_config('pg_swarm.role_password', \(password), true) IS NOT NULL AS password_set
                """)
            try connection.execute(
                """
                DO $pgswarm$
                DECLARE
                  role_name text := current_setting('pg_swarm.role_name');
                  statement text := CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = role_name)
                                         THEN 'ALTER' ELSE 'CREATE' END;
                BEGIN
                  EXECUTE format('%s ROLE %I WITH LOGIN PASSWORD %L', statement, role_name,
                                 current_setting('pg_swarm.role_password'));
                END
                $pgswarm$
                """)
        }
    }

    /// CREATE DATABASE cannot run in a transaction; a concurrent creation of the same name is
    /// the outcome we wanted.
    static func ensureDatabase(_ request: DatabaseRequest, on session: PostgresConnection) async throws {
        let existing = try await session.query(
            "SELECT 1 AS found FROM pg_database WHERE datname = \(request.database)")
        guard existing.rows.isEmpty else { return }
        do {
            try await session.query(
                "CREATE DATABASE \(identifier: request.database) OWNER \(identifier: request.owner)")
        } catch let error as PostgresError where error.sqlState == .duplicateDatabase {
            return
        }
    }
}
