import Postgres
import PostgresTestSupport
import Testing

@Suite("Hard fence", .serialized)
struct FenceTests {
    @Test("after fencing, every client write fails while the standby keeps streaming; unfence restores writes")
    func hardFence() async throws {
        try await withCluster(replicas: 1) { cluster in
            let node = cluster.initialPrimary
            let admin = try await node.connect(viaSocket: true)
            try await admin.query("CREATE TABLE t (v int)")
            // Client sessions opened before the fence, over TCP like applications.
            let plain = try await node.connect()
            let readWrite = try await node.connect()
            let sneaky = try await node.connect()
            try await plain.query("INSERT INTO t VALUES (\(1))")
            let walSenderBefore = try #require(try await admin.replicationPeers().first)

            let fence = PostgresFence(connection: admin)
            let terminated = try await fence.fence()
            #expect(terminated >= 3)
            #expect(try await fence.isFenced())

            await #expect(throws: PostgresError.self) { try await plain.query("INSERT INTO t VALUES (\(2))") }
            await #expect(throws: PostgresError.self) {
                try await readWrite.query("BEGIN READ WRITE")
                try await readWrite.query("INSERT INTO t VALUES (\(3))")
            }
            await #expect(throws: PostgresError.self) {
                try await sneaky.query("SET default_transaction_read_only = off")
                try await sneaky.query("INSERT INTO t VALUES (\(4))")
            }
            let refused = await #expect(throws: PostgresError.self) { _ = try await node.connect() }
            #expect(refused?.description.contains("pg_hba.conf rejects connection") == true)

            // The standby was not disconnected: same walsender, still streaming.
            let walSenderAfter = try #require(try await admin.replicationPeers().first)
            #expect(walSenderAfter.pid == walSenderBefore.pid)
            #expect(walSenderAfter.state == "streaming")
            // Fencing twice is harmless.
            try await fence.fence()

            try await fence.unfence()
            #expect(try await !fence.isFenced())
            let client = try await node.connect()
            try await client.query("INSERT INTO t VALUES (\(5))")
            let lsn = try #require(try await admin.nodeStatus().currentLSN)
            try await cluster.waitForReplay(on: cluster.nodes[1], atLeast: lsn)
            let standby = try await cluster.nodes[1].connect()
            let values = try await standby.query("SELECT v FROM t ORDER BY v").rows.map {
                try $0.decode(Int32.self, "v")
            }
            #expect(values == [1, 5])
        }
    }

    @Test("the fence survives a restart of PostgreSQL")
    func fenceSurvivesRestart() async throws {
        try await withCluster(replicas: 0) { cluster in
            let node = cluster.initialPrimary
            let admin = try await node.connect(viaSocket: true)
            try await PostgresFence(connection: admin).fence()
            await node.kill()
            try await node.start()
            await #expect(throws: PostgresError.self) { _ = try await node.connect() }
            let again = try await node.connect(viaSocket: true)
            try await PostgresFence(connection: again).unfence()
            _ = try await node.connect()
        }
    }
}
