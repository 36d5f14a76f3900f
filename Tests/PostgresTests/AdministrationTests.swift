import Postgres
import PostgresTestSupport
import Testing

@Suite("Administration against real servers", .serialized)
struct AdministrationTests {
    @Test("a database and a role with a hostile name are created and dropped, and nothing else changes")
    func hostileNames() async throws {
        let connection = try await SharedServer.connect()
        let hostile = "x\"; DROP TABLE t; --"
        let table = uniqueName("t")
        try await connection.query("CREATE TABLE \(identifier: table) (v int)")
        try await connection.query("INSERT INTO \(identifier: table) VALUES (\(42))")
        let password = "pa'ss\\word; --"
        try await connection.query("CREATE ROLE \(identifier: hostile) LOGIN PASSWORD \(literal: password)")
        try await connection.query("CREATE DATABASE \(identifier: hostile) OWNER \(identifier: hostile)")
        let names = try await connection.query(
            "SELECT (SELECT count(*) FROM pg_database WHERE datname = \(hostile)) AS dbs, (SELECT count(*) FROM pg_roles WHERE rolname = \(hostile)) AS roles"
        ).singleRow()
        #expect(try names?.decode(Int.self, "dbs") == 1)
        #expect(try names?.decode(Int.self, "roles") == 1)
        try await connection.query("DROP DATABASE \(identifier: hostile)")
        try await connection.query("DROP ROLE \(identifier: hostile)")
        let after = try await connection.query(
            "SELECT (SELECT count(*) FROM pg_database WHERE datname = \(hostile)) AS dbs, (SELECT count(*) FROM pg_roles WHERE rolname = \(hostile)) AS roles, (SELECT sum(v) FROM \(identifier: table)) AS total"
        ).singleRow()
        #expect(try after?.decode(Int.self, "dbs") == 0)
        #expect(try after?.decode(Int.self, "roles") == 0)
        #expect(try after?.decode(Int.self, "total") == 42)
    }

    @Test("node status reports role, LSNs and timeline of a primary and a standby")
    func nodeStatus() async throws {
        try await withCluster(replicas: 1) { cluster in
            let primary = try await cluster.initialPrimary.connect(viaSocket: true)
            let standby = try await cluster.nodes[1].connect(viaSocket: true)
            try await primary.query("CREATE TABLE s (v int)")
            try await primary.query("INSERT INTO s SELECT generate_series(1, 1000)")
            let primaryStatus = try await primary.nodeStatus()
            #expect(!primaryStatus.inRecovery)
            #expect(primaryStatus.timeline == 1)
            #expect(primaryStatus.currentLSN != nil && primaryStatus.receivedLSN == nil)
            try await cluster.waitForReplay(on: cluster.nodes[1], atLeast: primaryStatus.currentLSN!)
            let standbyStatus = try await standby.nodeStatus()
            #expect(standbyStatus.inRecovery)
            #expect(standbyStatus.timeline == 1)
            #expect(standbyStatus.currentLSN == nil)
            #expect(standbyStatus.walPosition >= primaryStatus.currentLSN!)
            #expect(standbyStatus.walReceiverStatus == "streaming")
            let peers = try await primary.replicationPeers()
            #expect(peers.map(\.applicationName) == ["node1"])
            #expect(peers.first?.state == "streaming")
            let receiver = try await standby.walReceiver()
            #expect(receiver?.senderPort == cluster.initialPrimary.port)
            #expect(try await primary.walReceiver() == nil)
            try await primary.checkpoint()
        }
    }
}
