import Foundation
import Testing

@testable import Postgres

@Suite("Pure pieces of the Postgres layer")
struct PureLogicTests {
    @Test("the fence block goes first, is idempotent and is removed exactly")
    func hbaFence() {
        let original = "# comment\nlocal all all peer\nhost replication rep 10.0.0.0/8 scram-sha-256\n"
        let fenced = HBAFence.fenced(original)
        #expect(HBAFence.isFenced(fenced))
        #expect(!HBAFence.isFenced(original))
        let rules = fenced.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(rules.first == "host all all all reject")
        #expect(HBAFence.fenced(fenced) == fenced)
        #expect(HBAFence.unfenced(fenced) == original)
        #expect(HBAFence.unfenced(original) == original)
    }

    @Test("interpolated values become parameters, never SQL text")
    func queryInterpolation() {
        let name = "x'; DROP TABLE t; --"
        let limit = 5
        let query: PostgresQuery =
            "SELECT * FROM t WHERE name = \(name) AND n < \(limit) AND \(identifier: "col") IS NULL"
        #expect(query.description == "SELECT * FROM t WHERE name = $1 AND n < $2 AND <identifier 3 chars> IS NULL")
        #expect(query.binds.count == 2)
        #expect(query.binds[0].bytes == Array(name.utf8))
        #expect(query.binds[1].type == .int8)
    }

    @Test(
        "array text parses PostgreSQL's quoting and NULLs",
        arguments: [
            ("{}", [String?]()),
            ("{a,b}", ["a", "b"]),
            ("{\"a b\",NULL,\"NULL\",\"\"}", ["a b", nil, "NULL", ""]),
            ("{\"q\\\"uote\",\"back\\\\slash\"}", ["q\"uote", "back\\slash"]),
            ("[0:1]={x,y}", ["x", "y"]),
        ])
    func arrayParsing(text: String, expected: [String?]) throws {
        #expect(try PostgresArrayText.parse(text) == expected)
        #expect(try PostgresArrayText.parse(PostgresArrayText.format(expected)) == expected)
    }

    @Test("malformed array text is refused", arguments: ["", "a,b", "{a", "{\"a}", "{a,}", "{{a}}"])
    func arrayRejects(text: String) {
        #expect(throws: (any Error).self) { try PostgresArrayText.parse(text) }
    }

    @Test("timestamps format and parse in UTC with microseconds")
    func timestamps() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(PostgresTimestamp.format(date) == "2023-11-14 22:13:20.250000+00")
        #expect(PostgresTimestamp.parse("2023-11-14 22:13:20.25+00") == date)
        #expect(PostgresTimestamp.parse("2023-11-15 00:13:20.25+02") == date)
        #expect(PostgresTimestamp.parse("1969-12-31 23:59:59+00")?.timeIntervalSince1970 == -1)
        #expect(PostgresTimestamp.parse("2023-11-14T22:13:20Z") == nil)
        #expect(PostgresTimestamp.parse("not a date") == nil)
    }

    @Test("LSNs parse X/Y and reject anything else", arguments: ["0/0", "FFFFFFFF/FFFFFFFF", "1/A"])
    func lsnValid(text: String) throws {
        let lsn = try #require(LSN(text))
        #expect(LSN(lsn.description) == lsn)
    }

    @Test("invalid LSNs", arguments: ["", "1", "1/", "/1", "G/1", "123456789/0", "1/2/3"])
    func lsnInvalid(text: String) {
        #expect(LSN(text) == nil)
    }

    @Test("conninfo values are quoted")
    func conninfoQuoting() {
        #expect(conninfoQuoted("a b") == "'a b'")
        #expect(conninfoQuoted("it's\\") == "'it\\'s\\\\'")
        let address = PostgresServerAddress(host: "h", port: 5, user: "u", password: "secret")
        #expect(!address.conninfo.contains("secret"))
    }
}
