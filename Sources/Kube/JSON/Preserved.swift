/// The field names a model decodes and encodes itself: every other key of the JSON object is
/// an unknown field, kept by `Preserved`.
public protocol KnownFields {
    static var knownFields: Set<String> { get }
}

/// A typed model plus the fields of the same JSON object that the model does not know.
///
/// Reading an object, changing a typed field and writing it back (PUT) must not erase what a
/// newer server or another controller put there, e.g. a Lease's `preferredHolder` (1.31+) or a
/// container's `startupProbe`. Member access goes straight to the model
/// (`pod.spec.nodeName`), so callers rarely see the wrapper. A known field set to nil in the
/// model is omitted on encode even if the server had sent it: the model is authoritative for
/// the keys it knows.
@dynamicMemberLookup
public struct Preserved<Value: Codable & Sendable & Equatable & KnownFields>: Sendable, Equatable {
    public var value: Value
    public var unknownFields: JSONObject

    public init(_ value: Value, unknownFields: JSONObject = [:]) {
        self.value = value
        self.unknownFields = unknownFields.filter { !Value.knownFields.contains($0.key) }
    }

    public subscript<Member>(dynamicMember keyPath: WritableKeyPath<Value, Member>) -> Member {
        get { value[keyPath: keyPath] }
        set { value[keyPath: keyPath] = newValue }
    }
}

extension Preserved: Codable {
    public init(from decoder: any Decoder) throws {
        value = try Value(from: decoder)
        // Only the unknown keys are decoded a second time, as raw JSON.
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var unknown = JSONObject()
        for key in container.allKeys where !Value.knownFields.contains(key.stringValue) {
            unknown[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
        unknownFields = unknown
    }

    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        guard !unknownFields.isEmpty else { return }
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, field) in unknownFields where !Value.knownFields.contains(key) {
            try container.encode(field, forKey: AnyCodingKey(key))
        }
    }
}

/// A coding key for arbitrary JSON object keys.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
