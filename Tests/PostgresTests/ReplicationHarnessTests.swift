import ChildProcesses
import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("Replication harness: failover, rewind and rebuild", .serialized)
struct ReplicationHarnessTests {
    @Test("kill -9 the primary, promote a standby, and pg_rewind brings the old primary back on the new timeline")
    func promoteAndRewind() async throws {
        try await withCluster(replicas: 2) { cluster in
            let (oldPrimary, winner, other) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
            let primary = try await oldPrimary.connect()
            try await primary.query("CREATE TABLE t (v int)")
            try await primary.query("INSERT INTO t SELECT generate_series(1, 100)")
            let lsn = try #require(try await primary.nodeStatus().currentLSN)
            try await cluster.waitForReplay(on: winner, atLeast: lsn)
            // Writes the standbys never see (they are stopped): they make the old primary diverge.
            try await winner.stop()
            try await other.stop()
            try await primary.query("INSERT INTO t SELECT generate_series(101, 200)")
            await oldPrimary.kill()
            try await winner.start()

            let promoted = try await winner.connect(viaSocket: true)
            #expect(try await promoted.promote(wait: true, waitSeconds: 30))
            let status = try await promoted.nodeStatus()
            #expect(!status.inRecovery)
            #expect(status.timeline == 2)
            try await promoted.query("INSERT INTO t VALUES (\(1000))")
            // pg_rewind reads the source's timeline from pg_control, which only the checkpoint
            // that follows a promotion updates.
            try await promoted.checkpoint()

            let result = try await cluster.tools.rewind(
                targetDataDirectory: oldPrimary.dataDirectory, source: winner.address)
            #expect(result.output.contains("Done!"))
            try await oldPrimary.start()
            try await cluster.waitForStreaming(primary: winner, standbys: [oldPrimary])
            let newLSN = try #require(try await promoted.nodeStatus().currentLSN)
            try await cluster.waitForReplay(on: oldPrimary, atLeast: newLSN)
            let rejoined = try await oldPrimary.connect()
            let rejoinedStatus = try await rejoined.nodeStatus()
            #expect(rejoinedStatus.inRecovery)
            #expect(rejoinedStatus.timeline == 2)
            let values = try await rejoined.query("SELECT count(*) AS n, max(v) AS top FROM t").singleRow()
            #expect(try values?.decode(Int.self, "n") == 101)
            #expect(try values?.decode(Int.self, "top") == 1000)
        }
    }

    @Test("a standby whose WAL is gone is rebuilt with pg_basebackup and streams again")
    func rebuildAfterWALLoss() async throws {
        try await withCluster(replicas: 1) { cluster in
            let (primaryNode, standby) = (cluster.nodes[0], cluster.nodes[1])
            try await standby.stop()
            let primary = try await primaryNode.connect()
            try await primary.query("CREATE TABLE t (v int)")
            // 1 MB segments, no slot and wal_keep_size 0: switching and checkpointing recycles
            // the segments the stopped standby still needs.
            for round in 0..<40 {
                try await primary.query("INSERT INTO t VALUES (\(round))")
                try await primary.query("SELECT pg_switch_wal()")
                if round % 10 == 9 { try await primary.checkpoint() }
            }
            try await primary.checkpoint()
            try await standby.start()
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline, !standby.logTail(bytes: 20_000).contains("has already been removed") {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(standby.logTail(bytes: 20_000).contains("has already been removed"))

            try await cluster.rebuild(standby, from: primaryNode)
            try await cluster.waitForStreaming(primary: primaryNode, standbys: [standby])
            let lsn = try #require(try await primary.nodeStatus().currentLSN)
            try await cluster.waitForReplay(on: standby, atLeast: lsn)
            let count = try await standby.connect().query("SELECT count(*) AS n FROM t").singleRow()
            #expect(try count?.decode(Int.self, "n") == 40)
        }
    }
}
