import FoundationEssentials

/// A JSON document stored in a `json` or `jsonb` column, kept as its UTF-8 text.
public struct PostgresJSON: Sendable, Hashable, PostgresEncodable, CustomStringConvertible {
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes `value` with sorted keys, so equal values give equal documents.
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // Unspecified type, so the same value fits json and jsonb columns.
    public var postgresBind: PostgresBind { PostgresBind(text: text, type: .unspecified) }

    public var description: String { text }
}
