import Foundation
import Postgres

extension PostgresRow {
    /// Decodes a json/jsonb column into `T`.
    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        let document = try decode(PostgresJSON.self, column)
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(document.text.utf8))
        } catch {
            throw StoreError.corruptRow("column \(column): \(error)")
        }
    }
}

extension PostgresJSON {
    /// Encodes with the API's JSON settings (sorted keys), so stored documents compare equal.
    static func encoding(_ value: some Encodable) -> PostgresJSON {
        PostgresJSON(text: String(decoding: JSONCoding.encode(value), as: UTF8.self))
    }
}
