/// A five-character SQLSTATE code (PostgreSQL Appendix A), with the ones the daemons branch on named.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let uniqueViolation = SQLState(rawValue: "23505")
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    public static let notNullViolation = SQLState(rawValue: "23502")
    public static let checkViolation = SQLState(rawValue: "23514")
    public static let syntaxError = SQLState(rawValue: "42601")
    public static let undefinedTable = SQLState(rawValue: "42P01")
    public static let undefinedObject = SQLState(rawValue: "42704")
    public static let duplicateObject = SQLState(rawValue: "42710")
    public static let duplicateDatabase = SQLState(rawValue: "42P04")
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    public static let readOnlySQLTransaction = SQLState(rawValue: "25006")
    public static let queryCanceled = SQLState(rawValue: "57014")
    public static let adminShutdown = SQLState(rawValue: "57P01")
    public static let cannotConnectNow = SQLState(rawValue: "57P03")
    public static let serializationFailure = SQLState(rawValue: "40001")
    public static let deadlockDetected = SQLState(rawValue: "40P01")
    public static let objectNotInPrerequisiteState = SQLState(rawValue: "55000")
    public static let invalidPassword = SQLState(rawValue: "28P01")
    public static let invalidAuthorization = SQLState(rawValue: "28000")

    /// The class is the first two characters, e.g. "23" (integrity constraint violation).
    public var errorClass: Substring { rawValue.prefix(2) }
    public var description: String { rawValue }
}

/// Everything the Postgres layer can fail with. Messages come from the server or the client and never
/// contain the conninfo (which may hold a password).
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an error.
    case server(ServerError)
    /// No connection could be established (unreachable, refused, authentication failed, ...).
    case connectionFailed(message: String)
    /// The connection timed out before it was established.
    case connectTimeout(seconds: Double)
    /// A query did not complete by its client-side deadline; the connection was dropped.
    case queryTimeout(seconds: Double)
    /// The task waiting for the query was cancelled.
    case cancelled
    /// The connection broke or was closed; it cannot be used again.
    case connectionClosed(message: String)
    /// The result did not have the shape the caller asked for.
    case decoding(column: String, message: String)
    /// The caller passed something that cannot be sent (e.g. a NUL byte in an identifier).
    case invalidArgument(String)
    /// The connection pool could not lend a connection in time.
    case poolTimeout(seconds: Double)
    /// The connection pool is closed.
    case poolClosed
    /// A server file this process manages directly (pg_hba.conf for the fence) is inaccessible.
    case fileAccess(path: String, message: String)
    /// A PostgreSQL tool (pg_rewind, pg_basebackup, ...) failed; `output` is the tail of what it
    /// printed (tools are never given passwords, so it holds none).
    case toolFailed(tool: String, status: String, output: String)

    public struct ServerError: Sendable, Equatable {
        public var sqlState: SQLState
        public var severity: String
        public var message: String
        public var detail: String?
        public var hint: String?
        /// The constraint, table or column the error is about, when the server names one.
        public var constraint: String?
    }

    /// The SQLSTATE of a server error, or nil for client-side failures.
    public var sqlState: SQLState? {
        if case .server(let error) = self { return error.sqlState }
        return nil
    }

    public var description: String {
        switch self {
        case .server(let error):
            var text = "\(error.severity) \(error.sqlState): \(error.message)"
            if let detail = error.detail { text += " (detail: \(detail))" }
            return text
        case .connectionFailed(let message): return "could not connect to PostgreSQL: \(message)"
        case .connectTimeout(let seconds): return "could not connect to PostgreSQL within \(seconds) s"
        case .queryTimeout(let seconds): return "query did not complete within \(seconds) s"
        case .cancelled: return "query cancelled"
        case .connectionClosed(let message): return "connection closed: \(message)"
        case .decoding(let column, let message): return "cannot decode column \(column): \(message)"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .poolTimeout(let seconds): return "no pooled connection became free within \(seconds) s"
        case .poolClosed: return "connection pool is closed"
        case .fileAccess(let path, let message): return "cannot access \(path): \(message)"
        case .toolFailed(let tool, let status, let output):
            return "\(tool) \(status): \(output.suffix(2000))"
        }
    }
}
