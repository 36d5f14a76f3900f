import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Supervisor
import Testing

@Suite("Supervisor with real PostgreSQL", .serialized)
struct SupervisorTests {
    @Test("first boot: waits for a directive, initializes, starts fenced; a second node clones and streams")
    func bootstrapAndClone() async throws {
        try await withPods(["pg-0", "pg-1"]) { pods in
            let (first, second) = (pods[0], pods[1])
            #expect(try await first.send(.status).state == .awaitingDirective)
            let status = try await first.send(.bootstrap(.initialize))
            #expect(status.state == .running && !status.isStandby)
            // A primary starts fenced: clients are refused until the sidecar lifts the fence.
            await #expect(throws: PostgresError.self) { _ = try await first.tcpSession() }
            let admin = try await first.adminSession()
            #expect(try await PostgresFence(connection: admin).isFenced())
            let role = try await admin.query("SELECT rolreplication FROM pg_roles WHERE rolname = 'replicator'")
                .singleRow()
            #expect(try role?.decode(Bool.self, "rolreplication") == true)
            try await PostgresFence(connection: admin).unfence()
            try await admin.query("CREATE TABLE t AS SELECT 1 AS v")

            let cloned = try await second.send(.bootstrap(.clone(source: first.source)))
            #expect(cloned.state == .running && cloned.isStandby && cloned.source == first.source)
            // The standby streams with the password from its passfile and serves read-only clients.
            let reader = try await second.tcpSession()
            #expect(try await eventually { try await reader.query("SELECT count(*) AS n FROM t").rows.count == 1 })
            #expect(try await reader.nodeStatus().walReceiverStatus == "streaming")
            let autoConf = try String(
                contentsOfFile: second.configuration.dataDirectory + "/postgresql.auto.conf", encoding: .utf8)
            #expect(!autoConf.contains(SupervisedPod.replicationPassword))
        }
    }

    @Test("a crashed PostgreSQL is restarted in place, and comes back fenced as a primary")
    func crashRestartInPlace() async throws {
        try await withPods(["pg-0"]) { pods in
            let pod = pods[0]
            let before = try #require(try await pod.send(.bootstrap(.initialize)).pid)
            kill(-before, SIGKILL)
            #expect(
                try await eventually {
                    let status = try await pod.send(.status)
                    return status.state == .running && status.pid != nil && status.pid != before
                })
            let status = try await pod.send(.status)
            #expect(status.restarts == 1)
            #expect(status.fastExits == 1 && !status.isCrashLooping)
            await #expect(throws: PostgresError.self) { _ = try await pod.tcpSession() }
        }
    }

    @Test("a volume that held a cluster is never initialized again")
    func refusesReinitialization() async throws {
        try await withPods(["pg-0"]) { pods in
            let pod = pods[0]
            _ = try await pod.send(.bootstrap(.initialize))
            await pod.supervisor.shutdown(grace: .zero)
            try FileManager.default.removeItem(atPath: pod.configuration.dataDirectory)
            await pod.supervisor.boot()
            #expect(try await pod.send(.status).state == .awaitingDirective)
            await #expect(throws: SupervisorError.self) { _ = try await pod.send(.bootstrap(.initialize)) }
            #expect(!FileManager.default.fileExists(atPath: pod.configuration.dataDirectory + "/PG_VERSION"))
        }
    }

    @Test("after a failover the old primary is rewound and a running standby is re-pointed without a restart")
    func followAfterFailover() async throws {
        try await withPods(["pg-0", "pg-1", "pg-2"]) { pods in
            let (old, winner, other) = (pods[0], pods[1], pods[2])
            _ = try await old.send(.bootstrap(.initialize))
            let oldAdmin = try await old.adminSession()
            try await PostgresFence(connection: oldAdmin).unfence()
            try await oldAdmin.query("CREATE TABLE t AS SELECT generate_series(1, 100) AS v")
            _ = try await winner.send(.bootstrap(.clone(source: old.source)))
            _ = try await other.send(.bootstrap(.clone(source: old.source)))

            let replicated = try #require(try await oldAdmin.nodeStatus().currentLSN)
            for pod in [winner, other] {
                let session = try await pod.adminSession()
                #expect(
                    try await eventually {
                        try await session.nodeStatus().replayedLSN.map { $0 >= replicated } ?? false
                    })
            }
            // Diverge: the old primary writes what the standbys never see, then the winner is promoted.
            await winner.supervisor.shutdown(grace: .zero)
            await other.supervisor.shutdown(grace: .zero)
            try await oldAdmin.query("INSERT INTO t SELECT generate_series(101, 200)")
            await old.supervisor.shutdown(grace: .zero)
            await winner.supervisor.boot()
            await other.supervisor.boot()
            let promoted = try await winner.adminSession()
            #expect(try await promoted.promote())
            try await promoted.checkpoint()
            try await PostgresFence(connection: promoted).unfence()
            try await promoted.query("INSERT INTO t VALUES (\(1000))")

            let otherPID = try await other.send(.status).pid
            let repointed = try await other.send(.follow(winner.source))
            #expect(repointed.pid == otherPID, "a streaming standby is re-pointed by a reload, not restarted")
            #expect(repointed.source == winner.source && repointed.lastFollow == .repointed)

            await old.supervisor.boot()
            let rewound = try await old.send(.follow(winner.source))
            #expect(rewound.isStandby && rewound.state == .running && rewound.lastFollow == .rewound)
            let lsn = try #require(try await promoted.nodeStatus().currentLSN)
            for pod in [old, other] {
                let session = try await pod.adminSession()
                #expect(try await eventually { try await session.nodeStatus().replayedLSN.map { $0 >= lsn } ?? false })
                let status = try await session.nodeStatus()
                #expect(status.inRecovery && status.timeline == 2)
                let count = try await session.query("SELECT count(*) AS n FROM t").singleRow()
                let n = try count?.decode(Int.self, "n")
                #expect(n == 101, "\(pod.name) must hold exactly the new primary's rows, has \(String(describing: n))")
            }
        }
    }

    @Test("when pg_rewind cannot work, follow falls back to a fresh base backup")
    func followFallsBackToRebuild() async throws {
        try await withPods(["pg-0", "pg-1"]) { pods in
            let (old, winner) = (pods[0], pods[1])
            _ = try await old.send(.bootstrap(.initialize))
            let oldAdmin = try await old.adminSession()
            try await PostgresFence(connection: oldAdmin).unfence()
            try await oldAdmin.query("CREATE TABLE t AS SELECT 1 AS v")
            _ = try await winner.send(.bootstrap(.clone(source: old.source)))
            let promoted = try await winner.adminSession()
            #expect(try await promoted.promote())
            try await promoted.checkpoint()
            // Break the old primary's data beyond what pg_rewind can repair: its control file.
            await old.supervisor.shutdown(grace: .zero)
            try Data("garbage".utf8).write(
                to: URL(fileURLWithPath: old.configuration.dataDirectory + "/global/pg_control"))
            await old.supervisor.boot()
            let status = try await old.send(.follow(winner.source))
            #expect(status.isStandby && status.state == .running && status.lastFollow == .rebuilt)
            let session = try await old.adminSession()
            #expect(try await eventually { try await session.nodeStatus().walReceiverStatus == "streaming" })
            #expect(!FileManager.default.fileExists(atPath: old.configuration.rebuildMarker))
        }
    }
}

@Suite("Supervisor shutdown", .serialized)
struct SupervisorShutdownTests {
    @Test("on SIGTERM a primary waits for the sidecar's handover, then stops cleanly")
    func shutdownWaitsForHandover() async throws {
        try await withPods(["pg-0"]) { pods in
            let pod = pods[0]
            let pid = try #require(try await pod.send(.bootstrap(.initialize)).pid)
            let stopping = Task { await pod.supervisor.shutdown(grace: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(kill(pid, 0) == 0, "PostgreSQL must keep running until the handover is released")
            #expect(try await pod.send(.status).state == .shuttingDown)
            _ = try await pod.send(.releaseShutdown)
            await stopping.value
            #expect(try await pod.send(.status).state == .stopped)
            let state = try await pod.configuration.tools.clusterState(dataDirectory: pod.configuration.dataDirectory)
            #expect(state == "shut down")
        }
    }

    /// A pod deleted before its cluster exists must not sit out the whole handover grace period.
    @Test("without a running server there is no handover to wait for")
    func shutdownWithoutServer() async throws {
        try await withPods(["pg-0"]) { pods in
            let pod = pods[0]
            let waiting = try await pod.send(.status)
            #expect(waiting.state == .awaitingDirective)
            let stopping = Task { await pod.supervisor.shutdown(grace: .seconds(3600)) }
            // Any wait for a handover would last the hour of grace; 20 s tells the two apart.
            var state = try await pod.send(.status).state
            for _ in 0..<200 where state != .stopped {
                try await Task.sleep(for: .milliseconds(100))
                state = try await pod.send(.status).state
            }
            #expect(state == .stopped, "the supervisor waited for a handover no server can make")
            _ = try await pod.send(.releaseShutdown)
            await stopping.value
        }
    }
}
