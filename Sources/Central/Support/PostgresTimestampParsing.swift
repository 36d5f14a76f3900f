import Foundation
import Postgres

enum PostgresTimestampParsing {
    static func parse(_ text: String) -> Date? { PostgresTimestamp.parse(text) }
}
