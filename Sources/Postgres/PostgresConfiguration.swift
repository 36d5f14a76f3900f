/// How to reach a PostgreSQL server and how patient to be with it.
public struct PostgresConfiguration: Sendable {
    /// A connection string as libpq reads it: conninfo (`host=... port=... dbname=...`) or URL (`postgresql://...`).
    /// Kept private to this module's connect path: it may contain a password and is never logged.
    public var connectionString: String
    /// Seconds to establish the connection (TCP, TLS, authentication and session setup).
    public var connectTimeout: Double
    /// Client-side deadline for each statement, in seconds. When it passes the query is cancelled
    /// and, if the server does not answer within `cancelGrace`, the connection is dropped, so a
    /// partitioned server cannot hang a caller. nil = no deadline.
    public var queryTimeout: Double?
    /// Server-side `statement_timeout` in milliseconds (0 = off). Health and HA connections keep it
    /// shorter than their loop period.
    public var statementTimeoutMilliseconds: Int
    /// Shown in `pg_stat_activity.application_name`.
    public var applicationName: String
    /// How long to wait for the server to acknowledge a cancel before dropping the connection.
    public var cancelGrace: Double

    public init(
        connectionString: String, connectTimeout: Double = 5, queryTimeout: Double? = nil,
        statementTimeoutMilliseconds: Int = 0, applicationName: String = "pg-swarm", cancelGrace: Double = 1
    ) {
        self.connectionString = connectionString
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.applicationName = applicationName
        self.cancelGrace = cancelGrace
    }
}
