import Failover
import Postgres
import Supervisor
import Testing

@testable import Sidecar

/// The shell against in-memory fakes: the points of `FailoverPolicy`'s contract that the
/// simulation cannot check for the real shell.
@Suite("Sidecar shell contract", .serialized)
struct ShellContractTests {
    @Test("a fenced primary acquires, hands the watchdog its deadline, and only then lifts the fence")
    func acquireThenWatchdogThenUnfence() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.primary(fenced: true)))
        let shell = try Fixtures.shell(cluster, node)
        let running = Task { await shell.run() }
        #expect(await eventually { await node.events.contains("unfence") })
        let events = await node.events
        let watchdogIndex = try #require(events.firstIndex(of: "watchdog set"))
        #expect(watchdogIndex < events.firstIndex(of: "unfence")!)
        #expect(await cluster.lease?.holder == "pg-0")
        running.cancel()
    }

    @Test("a replica taking over hands the watchdog its deadline before it promotes")
    func watchdogBeforePromotion() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.replica))
        let shell = try Fixtures.shell(cluster, node)
        let running = Task { await shell.run() }
        #expect(await eventually { await node.events.contains("promote") })
        let events = await node.events
        #expect(events.firstIndex(of: "watchdog set")! < events.firstIndex(of: "promote")!)
        running.cancel()
    }

    @Test(
        "a renewal that hangs is abandoned at the tenure deadline and the primary fences itself before the watchdog would"
    )
    func hungRenewalIsAbandoned() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.primary(fenced: true)))
        let shell = try Fixtures.shell(cluster, node)
        let running = Task { await shell.run() }
        #expect(await eventually { await node.events.contains("unfence") })
        await cluster.setHangLeaseWrites(true)
        #expect(await eventually { await node.events.contains("fence") })
        let fencedAt = try #require(await node.fencedAt)
        let watchdog = try #require(await node.watchdog)
        #expect(fencedAt < watchdog, "the sidecar fenced before the supervisor's deadline")
        await cluster.setHangLeaseWrites(false)
        running.cancel()
    }

    @Test("a restarted sidecar never sends an empty watchdog deadline: it fences, reclaims, and lifts the fence")
    func restartedSidecarKeepsTheOldDeadline() async throws {
        let cluster = FakeCluster()
        await cluster.setLease(LeaseRecord(holder: "pg-0", leaseDuration: .seconds(4)))
        let node = FakeNode(Fixtures.primary(fenced: false))
        let shell = try Fixtures.shell(cluster, node)
        let running = Task { await shell.run() }
        #expect(await eventually { await node.events.contains("unfence") })
        let events = await node.events
        // Memory is empty: the urgent guard fences before the first read, then the lease is
        // renewed (compare-and-swap) and the fence lifted; the old deadline is never cleared.
        let order = events.reduce(into: [String]()) { kept, event in
            if kept.last != event { kept.append(event) }
        }
        #expect(order.prefix(3) == ["fence", "watchdog set", "unfence"], "\(events)")
        #expect(!events.contains("watchdog none"))
        running.cancel()
    }

    @Test("SIGTERM on the primary fences, releases the lease naming itself, then lets the supervisor stop")
    func shutdownHandsOver() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.primary(fenced: true)))
        let shell = try Fixtures.shell(cluster, node)
        let running = Task { await shell.run() }
        #expect(await eventually { await node.events.contains("unfence") })
        await shell.requestShutdown()
        await running.value
        let events = await node.events
        #expect(events.last == "releaseShutdown")
        #expect(events.contains("fence"))
        let lease = await cluster.lease
        #expect(lease?.holder == nil && lease?.releasedBy == "pg-0")
    }
}
