/// A PostgreSQL type, identified by its OID (`pg_type.oid`), with the built-in types we use named.
public struct PostgresDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Lets the server infer the type from context (`$1` in `WHERE jsonb_col = $1` becomes jsonb).
    public static let unspecified = PostgresDataType(rawValue: 0)
    public static let bool = PostgresDataType(rawValue: 16)
    public static let bytea = PostgresDataType(rawValue: 17)
    public static let char = PostgresDataType(rawValue: 18)
    public static let name = PostgresDataType(rawValue: 19)
    public static let int8 = PostgresDataType(rawValue: 20)
    public static let int2 = PostgresDataType(rawValue: 21)
    public static let int4 = PostgresDataType(rawValue: 23)
    public static let text = PostgresDataType(rawValue: 25)
    public static let oid = PostgresDataType(rawValue: 26)
    public static let xid = PostgresDataType(rawValue: 28)
    public static let json = PostgresDataType(rawValue: 114)
    public static let float4 = PostgresDataType(rawValue: 700)
    public static let float8 = PostgresDataType(rawValue: 701)
    public static let unknown = PostgresDataType(rawValue: 705)
    public static let int2Array = PostgresDataType(rawValue: 1005)
    public static let int4Array = PostgresDataType(rawValue: 1007)
    public static let textArray = PostgresDataType(rawValue: 1009)
    public static let varcharArray = PostgresDataType(rawValue: 1015)
    public static let int8Array = PostgresDataType(rawValue: 1016)
    public static let bpchar = PostgresDataType(rawValue: 1042)
    public static let varchar = PostgresDataType(rawValue: 1043)
    public static let date = PostgresDataType(rawValue: 1082)
    public static let timestamp = PostgresDataType(rawValue: 1114)
    public static let timestamptz = PostgresDataType(rawValue: 1184)
    public static let interval = PostgresDataType(rawValue: 1186)
    public static let numeric = PostgresDataType(rawValue: 1700)
    public static let uuid = PostgresDataType(rawValue: 2950)
    public static let pgLSN = PostgresDataType(rawValue: 3220)
    public static let jsonb = PostgresDataType(rawValue: 3802)

    /// Types whose text form is the value itself.
    static let textLike: Set<PostgresDataType> = [.text, .varchar, .bpchar, .name, .char, .unknown]
    static let integers: Set<PostgresDataType> = [.int2, .int4, .int8, .oid, .xid]

    public var description: String {
        switch self {
        case .bool: return "bool"
        case .bytea: return "bytea"
        case .int2: return "int2"
        case .int4: return "int4"
        case .int8: return "int8"
        case .text: return "text"
        case .varchar: return "varchar"
        case .float4: return "float4"
        case .float8: return "float8"
        case .numeric: return "numeric"
        case .json: return "json"
        case .jsonb: return "jsonb"
        case .timestamptz: return "timestamptz"
        case .timestamp: return "timestamp"
        case .uuid: return "uuid"
        case .pgLSN: return "pg_lsn"
        case .textArray: return "text[]"
        default: return "oid \(rawValue)"
        }
    }
}
