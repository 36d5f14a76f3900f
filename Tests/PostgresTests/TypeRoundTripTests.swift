import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("Values round-trip through a real server")
struct TypeRoundTripTests {
    @Test("text, including unicode and quotes, survives as a parameter and a result")
    func text() async throws {
        let connection = try await SharedServer.connect()
        for value in [
            "", "plain", "ünïcødé ✓ 🐘", "it's \"quoted\"; DROP TABLE x; --", String(repeating: "x", count: 100_000),
        ] {
            let row = try await connection.query("SELECT \(value)::text AS v").singleRow()
            #expect(try row?.decode(String.self, "v") == value)
        }
    }

    @Test("NULL decodes as nil for every optional type and fails for a non-optional one")
    func nulls() async throws {
        let connection = try await SharedServer.connect()
        let missing: String? = nil
        let row = try #require(
            try await connection.query(
                """
                SELECT NULL::text AS t, NULL::int8 AS i, NULL::bool AS b, NULL::float8 AS f, NULL::bytea AS y,
                       NULL::jsonb AS j, NULL::timestamptz AS ts, NULL::pg_lsn AS l, \(missing)::text AS p
                """
            ).singleRow())
        #expect(try row.decode(String?.self, "t") == nil)
        #expect(try row.decode(Int?.self, "i") == nil)
        #expect(try row.decode(Bool?.self, "b") == nil)
        #expect(try row.decode(Double?.self, "f") == nil)
        #expect(try row.decode([UInt8]?.self, "y") == nil)
        #expect(try row.decode(PostgresJSON?.self, "j") == nil)
        #expect(try row.decode(Date?.self, "ts") == nil)
        #expect(try row.decode(LSN?.self, "l") == nil)
        #expect(try row.decode(String?.self, "p") == nil)
        #expect(throws: PostgresError.self) { try row.decode(String.self, "t") }
    }

    @Test("integers keep their extremes")
    func integers() async throws {
        let connection = try await SharedServer.connect()
        let row = try #require(
            try await connection.query(
                "SELECT \(Int.max) AS max8, \(Int.min) AS min8, \(Int32.min) AS min4, \(Int16.max) AS max2"
            ).singleRow())
        #expect(try row.decode(Int.self, "max8") == Int.max)
        #expect(try row.decode(Int.self, "min8") == Int.min)
        #expect(try row.decode(Int32.self, "min4") == Int32.min)
        #expect(try row.decode(Int16.self, "max2") == Int16.max)
        #expect(throws: PostgresError.self) { try row.decode(Int16.self, "max8") }
    }

    @Test("booleans and floats, including NaN and infinities")
    func boolsAndFloats() async throws {
        let connection = try await SharedServer.connect()
        let row = try #require(
            try await connection.query(
                """
                SELECT \(true) AS t, \(false) AS f, \(0.1) AS tenth, \(Double.pi) AS pi, \(Double.infinity) AS inf,
                       \(-Double.infinity) AS ninf, \(Double.nan) AS nan, \(Float(1.5)) AS single, 12.5::numeric AS n
                """
            ).singleRow())
        #expect(try row.decode(Bool.self, "t") == true)
        #expect(try row.decode(Bool.self, "f") == false)
        #expect(try row.decode(Double.self, "tenth") == 0.1)
        #expect(try row.decode(Double.self, "pi") == Double.pi)
        #expect(try row.decode(Double.self, "inf") == .infinity)
        #expect(try row.decode(Double.self, "ninf") == -.infinity)
        #expect(try row.decode(Double.self, "nan").isNaN)
        #expect(try row.decode(Float.self, "single") == 1.5)
        #expect(try row.decode(Double.self, "n") == 12.5)
    }

    @Test("bytea carries every byte value, including NUL")
    func bytea() async throws {
        let connection = try await SharedServer.connect()
        let bytes = (0...255).map(UInt8.init) + [0, 0, 255]
        let row = try #require(try await connection.query("SELECT \(bytes) AS b, length(\(bytes)) AS n").singleRow())
        #expect(try row.decode([UInt8].self, "b") == bytes)
        #expect(try row.decode(Int.self, "n") == bytes.count)
        #expect(try row.decode(Data.self, "b") == Data(bytes))
    }

    @Test("jsonb documents round-trip and decode into Swift types")
    func jsonb() async throws {
        struct Config: Codable, Equatable {
            var name: String
            var replicas: Int
            var labels: [String: String]
        }
        let connection = try await SharedServer.connect()
        let config = Config(name: "orders ✓", replicas: 3, labels: ["region": "eu", "quote": "\"'"])
        let row = try #require(
            try await connection.query("SELECT \(try PostgresJSON(encoding: config))::jsonb AS doc").singleRow())
        #expect(try row.decode(PostgresJSON.self, "doc").decode(Config.self) == config)
    }

    @Test("timestamps keep microseconds, time zones and infinity")
    func timestamps() async throws {
        let connection = try await SharedServer.connect()
        let moments = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000.123456),
            Date(timeIntervalSince1970: -86_400 * 365 * 80 + 0.5), Date(timeIntervalSince1970: 4_102_444_800.000001),
        ]
        for moment in moments {
            let row = try #require(try await connection.query("SELECT \(moment)::timestamptz AS t").singleRow())
            let back = try row.decode(Date.self, "t")
            #expect(abs(back.timeIntervalSince1970 - moment.timeIntervalSince1970) < 0.000_001)
        }
        let row = try #require(
            try await connection.query(
                """
                SELECT '2024-02-29 23:59:59.5+05:30'::timestamptz AS shifted, 'infinity'::timestamptz AS inf,
                       '-infinity'::timestamptz AS ninf, '2024-02-29'::date AS d
                """
            ).singleRow())
        #expect(try row.decode(Date.self, "shifted").timeIntervalSince1970 == 1_709_231_399.5)
        #expect(try row.decode(Date.self, "inf") == .distantFuture)
        #expect(try row.decode(Date.self, "ninf") == .distantPast)
        #expect(try row.decode(Date.self, "d").timeIntervalSince1970 == 1_709_164_800)
    }

    @Test("LSNs, UUIDs and text arrays round-trip")
    func lsnUUIDArrays() async throws {
        let connection = try await SharedServer.connect()
        let lsn = try #require(LSN("16/B374D848"))
        let uuid = UUID()
        let array = PostgresTextArray(["a", "b c", "", nil, "NULL", "quo\"te", "back\\slash", "{brace},comma"])
        let row = try #require(
            try await connection.query(
                "SELECT \(lsn) AS l, \(uuid) AS u, \(array) AS a, \(lsn) - '0/0'::pg_lsn AS diff"
            )
            .singleRow())
        #expect(try row.decode(LSN.self, "l") == lsn)
        #expect(try row.decode(UUID.self, "u") == uuid)
        #expect(try row.decode(PostgresTextArray.self, "a") == array)
        #expect(try row.decode(Double.self, "diff") == Double(lsn.rawValue))
    }

    @Test("decoding checks column names and types")
    func typeChecks() async throws {
        let connection = try await SharedServer.connect()
        let row = try #require(try await connection.query("SELECT 1 AS one, 'x'::text AS letter").singleRow())
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "missing") }
        #expect(throws: PostgresError.self) { try row.decode(String.self, "one") }
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "letter") }
        #expect(throws: PostgresError.self) { try row.decode(Bool.self, "one") }
    }
}
