import SeededRandom
import Testing

@testable import Postgres

/// The pure parts of the wire client: connection strings, password file, escaping, SCRAM and
/// message decoding.
@Suite("Wire protocol client, pure parts")
struct WireProtocolTests {
    @Test("key=value strings: quotes, escapes, spaces around =, and clear errors")
    func conninfo() throws {
        let parsed = try ConnectionParameters.parse(
            #"host=/tmp/s port = 5433 user='o\'brien' password=a\ b dbname='my db' application_name=''"#)
        #expect(parsed["host"] == "/tmp/s")
        #expect(parsed["port"] == "5433")
        #expect(parsed["user"] == "o'brien")
        #expect(parsed["password"] == "a b")
        #expect(parsed["dbname"] == "my db")
        #expect(parsed["application_name"] == nil)
        #expect(throws: PostgresError.self) { try ConnectionParameters.parse("host=x bogus=1") }
        #expect(throws: PostgresError.self) { try ConnectionParameters.parse("host='unterminated") }
        #expect(throws: PostgresError.self) { try ConnectionParameters.parse("host=x user") }
        #expect(try ConnectionParameters.parse("metadata").values == ["dbname": "metadata"])
    }

    @Test("URIs: percent-decoding, user and password, several hosts, IPv6, query parameters")
    func uri() throws {
        let parsed = try ConnectionParameters.parse(
            "postgresql://us%40er:p%3Aw@[::1]:5433,db2/app%2F1?sslmode=verify-full&application_name=x")
        #expect(parsed["user"] == "us@er")
        #expect(parsed["password"] == "p:w")
        #expect(parsed["host"] == "::1,db2")
        #expect(parsed["port"] == "5433,")
        #expect(parsed["dbname"] == "app/1")
        #expect(parsed["sslmode"] == "verify-full")
        let endpoints = try parsed.endpoints()
        #expect(endpoints == [.init(host: "::1", port: 5433), .init(host: "db2", port: 5432)])
        #expect(try ConnectionParameters.parse("postgres://h/d?ssl=true")["sslmode"] == "require")
        let socket = try ConnectionParameters.parse("postgresql://%2Fvar%2Frun%2Fpg:5999/x")
        #expect(try socket.endpoints() == [.init(host: "/var/run/pg", port: 5999)])
        #expect(try socket.endpoints()[0].socketPath == "/var/run/pg/.s.PGSQL.5999")
        #expect(throws: PostgresError.self) { try ConnectionParameters.parse("postgresql://h/d?nope=1") }
        #expect(throws: PostgresError.self) { try ConnectionParameters.parse("postgresql://h/d%zz") }
    }

    @Test("environment and libpq defaults fill only what the string left out")
    func defaults() throws {
        var parameters = try ConnectionParameters.parse("host=db user=app")
        parameters.applyDefaults(
            environment: ["PGHOST": "ignored", "PGPORT": "6000", "PGPASSWORD": "secret"], osUser: "root")
        #expect(parameters["host"] == "db")
        #expect(parameters["port"] == "6000")
        #expect(parameters["user"] == "app")
        #expect(parameters["dbname"] == "app")
        #expect(parameters["password"] == "secret")
        #expect(parameters["sslmode"] == "prefer")
        var bare = ConnectionParameters(values: [:])
        bare.applyDefaults(environment: [:], osUser: "pgswarm")
        #expect(try bare.endpoints() == [.init(host: "/var/run/postgresql", port: 5432)])
        #expect(bare["user"] == "pgswarm")
        #expect(throws: PostgresError.self) {
            try ConnectionParameters(values: ["host": "a,b,c", "port": "1,2"]).endpoints()
        }
        #expect(throws: PostgresError.self) { try ConnectionParameters(values: ["port": "99999"]).endpoints() }
    }

    @Test("settings this client cannot honour are refused, not ignored")
    func refusals() throws {
        for text in [
            "sslmode=bogus", "service=x", "channel_binding=require", "gssencmode=require", "sslcrl=/x",
            "target_session_attrs=prefer-standby", "replication=database",
        ] {
            #expect(throws: PostgresError.self, "\(text)") { try ConnectionParameters.parse(text).validate() }
        }
        try ConnectionParameters.parse("sslmode=verify-full target_session_attrs=read-write").validate()
    }

    @Test("the password file: wildcards, escapes, socket hosts as localhost, first match wins")
    func passwordFile() {
        let text = """
            # comment
            db:5432:app:alice:first
            *:*:*:bob:b\\:ob\\\\
            localhost:5999:*:carol:socket
            db:5432:app:alice:second
            """
        #expect(PasswordFile.lookup(in: text, host: "db", port: 5432, database: "app", user: "alice") == "first")
        #expect(PasswordFile.lookup(in: text, host: "x", port: 1, database: "y", user: "bob") == "b:ob\\")
        #expect(PasswordFile.lookup(in: text, host: "/run/pg", port: 5999, database: "z", user: "carol") == "socket")
        #expect(PasswordFile.lookup(in: text, host: "db", port: 5433, database: "app", user: "alice") == nil)
    }

    @Test("identifiers and literals are escaped exactly as libpq escapes them")
    func escaping() throws {
        #expect(try WireEscaping.identifier(#"a"b"#) == #""a""b""#)
        #expect(try WireEscaping.literal("it's") == "'it''s'")
        #expect(try WireEscaping.literal(#"a\b'c"#) == #" E'a\\b''c'"#)
        #expect(throws: PostgresError.self) { try WireEscaping.identifier("") }
        #expect(throws: PostgresError.self) { try WireEscaping.literal("a\0b") }
    }

    @Test("SCRAM-SHA-256 matches RFC 7677's example and checks the server's signature")
    func scram() throws {
        var client = SCRAMClient(password: "pencil", nonce: "rOprNGfwEbeRWgbNEkqO", user: "user")
        #expect(client.firstMessage == Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8))
        let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        let final = try client.answer(serverFirst: Array(serverFirst.utf8))
        #expect(
            String(decoding: final, as: UTF8.self)
                == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        )
        try client.verify(serverFinal: Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        #expect(throws: PostgresError.self) {
            try client.verify(serverFinal: Array("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        }
        #expect(throws: PostgresError.self) { try client.verify(serverFinal: Array("e=invalid-proof".utf8)) }
        // A server nonce that does not extend ours is an attack or a bug.
        var other = SCRAMClient(password: "pencil", nonce: "abc")
        #expect(throws: PostgresError.self) { try other.answer(serverFirst: Array("r=xyz1,s=AAAA,i=1".utf8)) }
    }

    @Test("md5 answers: md5 of the hex md5 of password and user, with the salt")
    func md5() {
        #expect(
            md5PasswordResponse(user: "user", password: "pencil", salt: [1, 2, 3, 4])
                == "md54376eb6913b38f9aaff38dc7cf19ca76")
    }

    @Test("command tags and server versions read as libpq reads them")
    func tagsAndVersions() {
        #expect(WireConnection.affectedRows("INSERT 0 5") == 5)
        #expect(WireConnection.affectedRows("UPDATE 3") == 3)
        #expect(WireConnection.affectedRows("CREATE TABLE") == 0)
        #expect(WireConnection.versionNumber("15.18 (Debian 15.18-0+deb12u1)") == 150018)
        #expect(WireConnection.versionNumber("9.6.24") == 90624)
        #expect(WireConnection.versionNumber("17beta1") == 170000)
    }

    @Test("any bytes from the network decode to messages or an error, never a crash (10,000 seeded inputs)")
    func decodingNeverCrashes() {
        var random = SeededGenerator(seed: 0x5EED)
        let types = Array("RSKZTDCIENAGHW12ntsX".utf8)
        var outcomes = (messages: 0, errors: 0)
        for _ in 0..<10_000 {
            var bytes: [UInt8] = []
            // A plausible header (known type, small length) with a random body, or pure noise.
            if random.next() % 2 == 0 {
                let body = (0..<Int(random.next() % 24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let length = UInt32(body.count + 4) &+ UInt32(random.next() % 3) &- 1
                bytes = [types[Int(random.next() % UInt64(types.count))]]
                bytes += withUnsafeBytes(of: length.bigEndian) { Array($0) } + body
            } else {
                bytes = (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            var reader = ByteReader(bytes)
            do {
                while try BackendMessage.decode(from: &reader) != nil { outcomes.messages += 1 }
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.messages > 1000 && outcomes.errors > 1000, "\(outcomes)")
    }

    @Test("messages: partial ones wait for more bytes, bad lengths and bodies close the session")
    func decoding() throws {
        var reader = ByteReader([UInt8(ascii: "Z"), 0, 0, 0, 5])
        #expect(try BackendMessage.decode(from: &reader) == nil)
        reader = ByteReader([UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I"), UInt8(ascii: "I"), 0, 0, 0, 4])
        #expect(try BackendMessage.decode(from: &reader) == .readyForQuery)
        #expect(try BackendMessage.decode(from: &reader) == .emptyQueryResponse)
        reader = ByteReader([UInt8(ascii: "D"), 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: PostgresError.self) { try BackendMessage.decode(from: &reader) }
        reader = ByteReader([UInt8(ascii: "D"), 0, 0, 0, 10, 0, 1, 0, 0, 0, 9])  // a 9-byte value in 4 bytes
        #expect(throws: PostgresError.self) { try BackendMessage.decode(from: &reader) }
        reader = ByteReader([UInt8(ascii: "R"), 0, 0, 0, 6, 0, 0])
        #expect(throws: PostgresError.self) { try BackendMessage.decode(from: &reader) }
    }
}
