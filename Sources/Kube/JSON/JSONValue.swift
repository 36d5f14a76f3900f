public import FoundationEssentials

/// Any JSON value. Kubernetes objects carry fields this client does not model (newer API
/// versions, other controllers' data); keeping them as `JSONValue` lets an update send them back
/// unchanged instead of silently erasing them.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Integers keep their exact value (resource versions, ports, replica counts).
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

public typealias JSONObject = [String: JSONValue]

extension JSONValue: Codable {
    /// Codable offers no way to peek at a value's type, and every failed attempt throws (which
    /// is costly), so the likeliest type goes first: objects, which make up most of a tree such
    /// as `managedFields`, then strings; a list of 1,000 pods decodes several times faster
    /// than with scalars first.
    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var fields = JSONObject(minimumCapacity: object.allKeys.count)
            for key in object.allKeys { fields[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(fields)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: return Int64(value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// `value["metadata"]?["name"]`; nil for non-objects and missing keys.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

/// Literals for building patches and test objects. Deliberately not ExpressibleByNilLiteral:
/// with it, `condition ? value : nil` silently becomes `.null` instead of `Optional.none`.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// JSON conversions shared by the client and the test double. Keys are sorted so that equal
/// objects encode to equal bytes (stable logs, golden tests).
public enum JSONCoding {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    /// `value` as a JSON tree (through its Codable form).
    public static func tree(of value: some Encodable) throws -> JSONValue {
        try decode(JSONValue.self, from: encode(value))
    }

    /// A JSON tree decoded as `T`.
    public static func value<T: Decodable>(_ type: T.Type, from tree: JSONValue) throws -> T {
        try decode(type, from: encode(tree))
    }
}
