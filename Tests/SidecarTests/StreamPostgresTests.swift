import Foundation
import PGSwarmAPI
import Postgres
import PostgresTestSupport
import Testing

@testable import Sidecar

/// The stream's SQL and its error codes against a real PostgreSQL.
@Suite("Satellite commands against PostgreSQL", .serialized)
struct StreamPostgresTests {
    static func session(_ node: PostgresTestNode) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: node.socketConninfo(), connectTimeout: 5, queryTimeout: 30))
    }

    /// Runs `body` with a fresh single server and always shuts it down.
    static func withServer(
        settings: [String: String] = [:], _ body: (PostgresTestNode) async throws -> Void
    ) async throws {
        let cluster = try await PostgresTestCluster.start(settings: settings)
        do {
            try await body(cluster.initialPrimary)
            await cluster.shutdown()
        } catch {
            await cluster.shutdown()
            throw error
        }
    }

    @Test("create database quotes hostile names, is idempotent, and its password reaches no statement log")
    func createDatabase() async throws {
        try await Self.withServer(settings: ["log_statement": "ddl"]) { try await Self.createDatabase(on: $0) }
    }

    static func createDatabase(on node: PostgresTestNode) async throws {
        let session = try await Self.session(node)
        let request = DatabaseRequest(
            database: "shop\"; DROP DATABASE postgres; --", owner: "o'wner\";", password: "pw'\"; secret-4711")
        for _ in 0..<2 {
            try await DatabaseProvisioning.ensureRole(request, on: session)
            try await DatabaseProvisioning.ensureDatabase(request, on: session)
        }
        let row = try #require(
            try await session.query(
                """
                SELECT r.rolname AS owner, r.rolcanlogin AS login, a.rolpassword LIKE 'SCRAM-SHA-256$%' AS scram
                FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba JOIN pg_authid a ON a.oid = r.oid
                WHERE d.datname = \(request.database)
                """
            ).singleRow())
        #expect(try row.decode(String.self, "owner") == request.owner)
        #expect(try row.decode(Bool.self, "login") && row.decode(Bool.self, "scram"))
        let log = try String(contentsOfFile: node.logPath, encoding: .utf8)
        #expect(log.contains("CREATE DATABASE"), "log_statement = ddl logged the statements")
        #expect(!log.contains("secret-4711"))
        await session.close()
    }

    @Test("a superuser's or replication role's password is never reset: REJECTED")
    func privilegedRoles() async throws {
        try await Self.withServer { try await Self.privilegedRoles(on: $0) }
    }

    static func privilegedRoles(on node: PostgresTestNode) async throws {
        let session = try await Self.session(node)
        try await session.query("CREATE ROLE streamer WITH REPLICATION LOGIN")
        for owner in ["postgres", "streamer"] {
            let request = DatabaseRequest(database: "stolen", owner: owner, password: "x")
            await #expect(throws: CommandFailure(.rejected, "db_user names a superuser or replication role")) {
                try await DatabaseProvisioning.ensureRole(request, on: session)
            }
        }
        await session.close()
    }

    @Test("a session terminated while its statement runs is OUTCOME_UNKNOWN; no server is POSTGRES_UNAVAILABLE")
    func connectionErrors() async throws {
        try await Self.withServer { try await Self.connectionErrors(on: $0) }
    }

    static func connectionErrors(on node: PostgresTestNode) async throws {
        let (victim, killer) = (try await Self.session(node), try await Self.session(node))
        let pid = await victim.backendPID
        let running = Task { try await victim.query("SELECT pg_sleep(30)") }
        var terminated = false
        for _ in 0..<250 where !terminated {
            let row = try await killer.query(
                "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE pid = \(pid) AND wait_event = 'PgSleep'"
            ).singleRow()
            terminated = try row?.decode(Bool.self, "done") ?? false
            if !terminated { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(terminated)
        do {
            _ = try await running.value
            Issue.record("the statement survived its session")
        } catch {
            #expect(CommandFailure(classifying: error).code == .outcomeUnknown, "\(error)")
        }
        let port = try ScratchSpace.reservePort()
        do {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(connectionString: "host=127.0.0.1 port=\(port) user=postgres", connectTimeout: 2))
            Issue.record("connected to nothing")
        } catch {
            #expect(CommandFailure(classifying: error).code == .postgresUnavailable, "\(error)")
        }
        await killer.close()
    }
}
