public import FoundationEssentials

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}

extension String: PostgresEncodable {
    // Unspecified type: the server infers text, varchar, jsonb, ... from the context.
    public var postgresBind: PostgresBind { PostgresBind(text: self, type: .unspecified) }
}

extension Substring: PostgresEncodable {
    public var postgresBind: PostgresBind { String(self).postgresBind }
}

extension Int: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int8) }
}

extension Int64: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int8) }
}

extension Int32: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int4) }
}

extension Int16: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int2) }
}

extension Bool: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: self ? "t" : "f", type: .bool) }
}

extension Double: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: postgresFloatText(self), type: .float8) }
}

extension Float: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: postgresFloatText(Double(self)), type: .float4) }
}

/// Swift's shortest round-trip representation, with PostgreSQL's spelling of the special values.
func postgresFloatText(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
    return "\(value)"
}

extension Array: PostgresEncodable where Element == UInt8 {
    // bytea goes in binary format: no hex or escape encoding, and NUL bytes are fine.
    public var postgresBind: PostgresBind { PostgresBind(bytes: self, type: .bytea, format: .binary) }
}

extension Data: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(bytes: [UInt8](self), type: .bytea, format: .binary) }
}

extension Date: PostgresEncodable {
    public var postgresBind: PostgresBind {
        PostgresBind(text: PostgresTimestamp.format(self), type: .timestamptz)
    }
}

extension UUID: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: uuidString.lowercased(), type: .uuid) }
}

/// A list of strings, sent as `text[]` (e.g. `WHERE name = ANY(\(names))`).
public struct PostgresTextArray: PostgresEncodable, Hashable {
    public var elements: [String?]
    public init(_ elements: [String?]) { self.elements = elements }

    public var postgresBind: PostgresBind {
        PostgresBind(text: PostgresArrayText.format(elements), type: .textArray)
    }
}

/// A list of integers, sent as `int8[]`.
public struct PostgresIntArray: PostgresEncodable, Hashable {
    public var elements: [Int]
    public init(_ elements: [Int]) { self.elements = elements }

    public var postgresBind: PostgresBind {
        PostgresBind(text: "{" + elements.map(String.init).joined(separator: ",") + "}", type: .int8Array)
    }
}
