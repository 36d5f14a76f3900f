/// One schema change, applied at most once, in version order, inside its own transaction.
///
/// Versions are integers, not file names (the Go original keyed migrations by file name and
/// renumbered them, so upgraded databases re-ran renamed files). The checksum of each applied
/// migration is recorded; a database whose recorded checksum differs from the binary's refuses to
/// start rather than silently diverging.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public var checksum: String { Digest.sha256(sql).hexString }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Every migration, in order. Append only: never edit or renumber a released one.
    public static let all: [Migration] = [
        Migration(version: 1, name: "initial schema", sql: Migration0001.sql),
        Migration(version: 2, name: "seed catalog, versions, tiers and the dev profile", sql: Migration0002.sql),
    ]
}
