public import FoundationEssentials

/// A Swift value that can be read from a result cell. Each conformance accepts only the column
/// types it really represents, so a schema drift shows up as an error, not as garbage.
public protocol PostgresDecodable: Sendable {
    init(postgresCell cell: PostgresCell) throws
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        self = cell.isNull ? nil : try Wrapped(postgresCell: cell)
    }
}

extension String: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard PostgresDataType.textLike.contains(cell.type) || cell.type == .json || cell.type == .jsonb
        else { throw cell.mismatch(String.self) }
        self = try cell.text()
    }
}

extension FixedWidthInteger where Self: PostgresDecodable {
    fileprivate init(integerCell cell: PostgresCell) throws {
        guard PostgresDataType.integers.contains(cell.type) else { throw cell.mismatch(Self.self) }
        guard let value = Self(try cell.text()) else {
            throw PostgresError.decoding(column: cell.columnName, message: "value out of range for \(Self.self)")
        }
        self = value
    }
}

extension Int: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { try self.init(integerCell: cell) }
}

extension Int64: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { try self.init(integerCell: cell) }
}

extension Int32: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { try self.init(integerCell: cell) }
}

extension Int16: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { try self.init(integerCell: cell) }
}

extension UInt32: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { try self.init(integerCell: cell) }
}

extension Bool: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .bool else { throw cell.mismatch(Bool.self) }
        switch try cell.text() {
        case "t": self = true
        case "f": self = false
        case let other: throw PostgresError.decoding(column: cell.columnName, message: "not a bool: \(other)")
        }
    }
}

extension Double: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard
            cell.type == .float8 || cell.type == .float4 || cell.type == .numeric
                || PostgresDataType.integers.contains(cell.type)
        else { throw cell.mismatch(Double.self) }
        let text = try cell.text()
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else {
                throw PostgresError.decoding(column: cell.columnName, message: "not a number")
            }
            self = value
        }
    }
}

extension Float: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        self = Float(try Double(postgresCell: cell))
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// bytea arrives in hex format (`\x0a1b`), which every connection selects at start.
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .bytea else { throw cell.mismatch([UInt8].self) }
        guard let bytes = cell.bytes else {
            throw PostgresError.decoding(column: cell.columnName, message: "unexpected NULL")
        }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { throw PostgresError.decoding(column: cell.columnName, message: "bytea is not in hex format") }
        var out = [UInt8]()
        out.reserveCapacity((bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                throw PostgresError.decoding(column: cell.columnName, message: "bad hex digit in bytea")
            }
            out.append(high << 4 | low)
            index += 2
        }
        self = out
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}

extension Data: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        self = Data(try [UInt8](postgresCell: cell))
    }
}

extension Date: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .timestamptz || cell.type == .timestamp || cell.type == .date else {
            throw cell.mismatch(Date.self)
        }
        let text = try cell.text()
        guard let date = PostgresTimestamp.parse(text) else {
            throw PostgresError.decoding(column: cell.columnName, message: "unsupported timestamp \(text)")
        }
        self = date
    }
}

extension UUID: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .uuid else { throw cell.mismatch(UUID.self) }
        guard let uuid = UUID(uuidString: try cell.text()) else {
            throw PostgresError.decoding(column: cell.columnName, message: "not a UUID")
        }
        self = uuid
    }
}

extension LSN: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .pgLSN || PostgresDataType.textLike.contains(cell.type) else {
            throw cell.mismatch(LSN.self)
        }
        let text = try cell.text()
        guard let lsn = LSN(text) else {
            throw PostgresError.decoding(column: cell.columnName, message: "not an LSN: \(text)")
        }
        self = lsn
    }
}

extension PostgresJSON: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .json || cell.type == .jsonb else { throw cell.mismatch(PostgresJSON.self) }
        self.init(text: try cell.text())
    }
}

extension PostgresTextArray: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard cell.type == .textArray || cell.type == .varcharArray else { throw cell.mismatch(PostgresTextArray.self) }
        do {
            self.init(try PostgresArrayText.parse(try cell.text()))
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError.decoding(column: cell.columnName, message: "malformed array")
        }
    }
}
