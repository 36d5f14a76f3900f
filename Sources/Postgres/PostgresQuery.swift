/// A SQL statement whose values travel as parameters, never spliced into the text.
///
/// Built with string interpolation: `"SELECT * FROM satellites WHERE id = \(id)"` sends `$1` and
/// binds `id`. Object names that SQL cannot take as parameters (roles, databases in utility
/// statements) go through `\(identifier: name)`, and the rare literal that cannot be a parameter
/// (a password in `CREATE ROLE`) through `\(literal: text)`; both are escaped as libpq's
/// `PQescapeIdentifier` / `PQescapeLiteral` escape them (`WireEscaping`).
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case sql(String)
        case parameter(Int)
        case identifier(String)
        case literal(String)
    }

    var segments: [Segment]
    public private(set) var binds: [PostgresBind]

    /// A statement with no interpolated values, e.g. from a migration file. Use only with text the
    /// program controls.
    public init(unsafeSQL: String) {
        segments = [.sql(unsafeSQL)]
        binds = []
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        segments = stringInterpolation.segments
        binds = stringInterpolation.binds
    }

    /// The SQL text with parameters as `$n` and identifiers/literals shown unescaped in brackets;
    /// for logs at trace level (bound values are never shown).
    public var description: String {
        segments.map { segment in
            switch segment {
            case .sql(let text): return text
            case .parameter(let index): return "$\(index)"
            case .identifier(let name): return "<identifier \(name.count) chars>"
            case .literal: return "<literal>"
            }
        }.joined()
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var segments: [Segment] = []
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            segments.append(.sql(literal))
        }

        /// A value, sent as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresBind)
            segments.append(.parameter(binds.count))
        }

        /// An optional value; `nil` is sent as SQL NULL.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            if let value {
                appendInterpolation(value)
            } else {
                binds.append(.null)
                segments.append(.parameter(binds.count))
            }
        }

        /// An object name (role, database, table, slot), quoted as an identifier.
        public mutating func appendInterpolation(identifier: String) {
            segments.append(.identifier(identifier))
        }

        /// A string literal for places SQL does not accept parameters, quoted as a literal.
        public mutating func appendInterpolation(literal: String) {
            segments.append(.literal(literal))
        }

        /// Trusted SQL text chosen by the program (e.g. a column list picked from constants).
        public mutating func appendInterpolation(unsafeSQL: String) {
            segments.append(.sql(unsafeSQL))
        }
    }
}

/// One parameter value as libpq sends it.
public struct PostgresBind: Sendable, Hashable {
    public enum Format: Int32, Sendable, Hashable {
        case text = 0
        case binary = 1
    }

    /// nil is SQL NULL.
    public var bytes: [UInt8]?
    public var type: PostgresDataType
    public var format: Format

    public init(bytes: [UInt8]?, type: PostgresDataType, format: Format = .text) {
        self.bytes = bytes
        self.type = type
        self.format = format
    }

    public init(text: String, type: PostgresDataType) {
        self.init(bytes: Array(text.utf8), type: type)
    }

    public static let null = PostgresBind(bytes: nil, type: .unspecified)
}
