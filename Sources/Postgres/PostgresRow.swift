/// The columns of a result: names and types, shared by its rows.
public struct PostgresColumns: Sendable, Equatable {
    public let names: [String]
    public let types: [PostgresDataType]
    let indexByName: [String: Int]

    init(names: [String], types: [PostgresDataType]) {
        self.names = names
        self.types = types
        // With duplicate names the first wins, as in SQL's own resolution of `SELECT a, a`.
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }
}

/// One value of a row in PostgreSQL's text format (bytea in hex), or nil for NULL.
public struct PostgresCell: Sendable, Equatable {
    public let bytes: [UInt8]?
    public let type: PostgresDataType
    public let columnName: String

    public var isNull: Bool { bytes == nil }

    /// The value's text; throws on NULL.
    public func text() throws -> String {
        guard let bytes else { throw PostgresError.decoding(column: columnName, message: "unexpected NULL") }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        try T(postgresCell: self)
    }

    func mismatch(_ swiftType: Any.Type) -> PostgresError {
        .decoding(column: columnName, message: "a \(type) column cannot be read as \(swiftType)")
    }
}

/// A row of a query result. Values are read by column name, with their type checked.
public struct PostgresRow: Sendable, Equatable {
    public let columns: PostgresColumns
    let values: ArraySlice<[UInt8]?>

    public var count: Int { columns.names.count }

    public subscript(index: Int) -> PostgresCell {
        PostgresCell(
            bytes: values[values.startIndex + index], type: columns.types[index], columnName: columns.names[index])
    }

    /// The cell of column `name`; throws if the result has no such column.
    public func cell(_ name: String) throws -> PostgresCell {
        guard let index = columns.indexByName[name] else {
            throw PostgresError.decoding(column: name, message: "no such column (have: \(columns.names))")
        }
        return self[index]
    }

    /// Decodes column `name` as `T`; use an Optional type for nullable columns.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ name: String) throws -> T {
        try cell(name).decode(type)
    }
}

/// The outcome of one statement.
public struct PostgresResult: Sendable, Equatable {
    public let columns: PostgresColumns
    public let rows: [PostgresRow]
    /// Rows affected by INSERT/UPDATE/DELETE/etc. (`PQcmdTuples`), 0 when not applicable.
    public let affectedRows: Int
    /// The command tag, e.g. "INSERT 0 1".
    public let commandTag: String

    /// The only row, or nil if there is none; throws if there are several.
    public func singleRow() throws -> PostgresRow? {
        guard rows.count <= 1 else {
            throw PostgresError.decoding(column: "*", message: "expected at most one row, got \(rows.count)")
        }
        return rows.first
    }
}
