import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Testing

@Suite("Errors carry SQLSTATE and fail fast")
struct ErrorTests {
    @Test("a unique violation reports 23505 with the constraint name")
    func uniqueViolation() async throws {
        let connection = try await SharedServer.connect()
        let table = uniqueName("uniq")
        try await connection.query("CREATE TABLE \(identifier: table) (id int PRIMARY KEY)")
        try await connection.query("INSERT INTO \(identifier: table) VALUES (\(1))")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("INSERT INTO \(identifier: table) VALUES (\(1))")
        }
        #expect(error?.sqlState == .uniqueViolation)
        guard case .server(let server) = error else { Issue.record("not a server error"); return }
        #expect(server.constraint == "\(table)_pkey")
        // The session stays usable after a statement error.
        #expect(try await connection.query("SELECT 1 AS one").rows.count == 1)
    }

    @Test("a syntax error reports 42601")
    func syntaxError() async throws {
        let connection = try await SharedServer.connect()
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELEC 1") }
        #expect(error?.sqlState == .syntaxError)
    }

    @Test("values are never spliced into SQL: an injection attempt is just a string")
    func parametersAreNotSQL() async throws {
        let connection = try await SharedServer.connect()
        let hostile = "1; DROP TABLE pg_class; --"
        let row = try await connection.query("SELECT \(hostile)::text AS v").singleRow()
        #expect(try row?.decode(String.self, "v") == hostile)
    }

    @Test("a server that accepts TCP but never answers fails within the connect timeout")
    func unresponsiveServer() async throws {
        // A listening socket that is never accepted: the kernel completes the TCP handshake and
        // then nothing ever answers libpq's startup packet.
        let (fd, port) = try listeningSocketThatNeverAccepts()
        defer { close(fd) }
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(connectionString: "host=127.0.0.1 port=\(port) dbname=x", connectTimeout: 1))
        }
        #expect(error == .connectTimeout(seconds: 1))
        #expect(error?.description.contains("within 1.0 s") == true)
        // Bounded (not a benchmark): far below libpq's own 2 s minimum and any kernel timeout.
        #expect(clock.now - started < .seconds(10))
    }

    @Test("a refused connection fails with libpq's explanation")
    func refused() async throws {
        let (fd, port) = try listeningSocketThatNeverAccepts()
        close(fd)  // nothing listens on the port now
        let error = await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(
                    connectionString: "postgresql://u:secret-pw@127.0.0.1:\(port)/x", connectTimeout: 2))
        }
        guard case .connectionFailed(let message) = error else {
            Issue.record("unexpected \(String(describing: error))"); return
        }
        #expect(message.contains("refused"))
        #expect(!message.contains("secret-pw"))
    }

    @Test("a statement past its client-side deadline is cancelled and the session survives")
    func queryTimeout() async throws {
        let connection = try await SharedServer.connect { $0.queryTimeout = 0.3 }
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT pg_sleep(30)") }
        #expect(error == .queryTimeout(seconds: 0.3))
        #expect(try await connection.query("SELECT 2 AS two").singleRow()?.decode(Int.self, "two") == 2)
    }

    @Test("cancelling the calling task cancels the running statement")
    func taskCancellation() async throws {
        let connection = try await SharedServer.connect()
        let task = Task { try await connection.query("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        #expect(throws: PostgresError.cancelled) { try result.get() }
        #expect(try await connection.query("SELECT 3 AS three").singleRow()?.decode(Int.self, "three") == 3)
    }

    @Test("transactions commit, and roll back when the body throws")
    func transactions() async throws {
        let connection = try await SharedServer.connect()
        let table = uniqueName("tx")
        try await connection.query("CREATE TABLE \(identifier: table) (v int)")
        try await connection.transaction { session in
            try session.execute("INSERT INTO \(identifier: table) VALUES (\(1))")
            try session.execute("INSERT INTO \(identifier: table) VALUES (\(2))")
        }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await connection.transaction { session in
                try session.execute("INSERT INTO \(identifier: table) VALUES (\(3))")
                throw Boom()
            }
        }
        let rows = try await connection.query("SELECT v FROM \(identifier: table) ORDER BY v").rows
        #expect(try rows.map { try $0.decode(Int32.self, "v") } == [1, 2])
    }

    @Test("NUL bytes in text and identifiers are refused before anything is sent")
    func nulBytes() async throws {
        let connection = try await SharedServer.connect()
        await #expect(throws: PostgresError.self) { try await connection.query("SELECT \("a\u{0}b")::text") }
        await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1 AS \(identifier: "a\u{0}")") }
        #expect(try await connection.query("SELECT 1 AS ok").rows.count == 1)
    }
}

/// Binds a loopback listener with a backlog but never accepts; returns its fd and port.
func listeningSocketThatNeverAccepts() throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw PostgresError.invalidArgument("cannot bind test socket") }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
