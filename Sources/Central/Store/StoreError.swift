import Postgres

/// Failures of the metadata store that callers branch on. Everything else is a `PostgresError`
/// that the REST layer answers with 500 (or 503 when the database is unreachable).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case schemaTooNew(databaseVersion: Int)
    case migrationChecksumMismatch(version: Int)
    /// A stored value could not be read back (e.g. malformed JSON in a jsonb column).
    case corruptRow(String)

    public var description: String {
        switch self {
        case .schemaTooNew(let version):
            return "the database schema (version \(version)) is newer than this central; upgrade central"
        case .migrationChecksumMismatch(let version):
            return "schema migration \(version) in the database differs from this binary's"
        case .corruptRow(let what): return "stored row cannot be read: \(what)"
        }
    }
}

extension PostgresError {
    /// The constraint named by a unique or foreign-key violation, if this is one.
    var violatedConstraint: String? {
        if case .server(let error) = self,
            error.sqlState == .uniqueViolation || error.sqlState == .foreignKeyViolation
        {
            return error.constraint ?? ""
        }
        return nil
    }

    var isUniqueViolation: Bool { sqlState == .uniqueViolation }
    var isForeignKeyViolation: Bool { sqlState == .foreignKeyViolation }
}
