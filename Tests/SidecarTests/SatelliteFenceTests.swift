import Failover
import PGSwarmAPI
import Testing

@testable import Sidecar

/// The rule of `SatelliteFenceHold` against the real shell and in-memory fakes.
@Suite("Satellite fence and the election", .serialized)
struct SatelliteFenceTests {
    @Test("a satellite fence on the holder holds against the election until the satellite lifts it")
    func fenceHoldsUntilUnfence() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.primary(fenced: true)))
        let shell = try Fixtures.shell(cluster, node)
        let running = Task { await shell.run() }
        defer { running.cancel() }
        #expect(await eventually { await node.events.contains("unfence") })
        try await shell.fenceForSatellite()
        let fencedAt = await node.events.count
        // The election plans the unfence of a fenced holder at once; the hold makes it skip it.
        #expect(await eventually { await shell.unfenceHeldBack })
        #expect(await !node.events[fencedAt...].contains("unfence"))
        #expect(await shell.holdsFreshLease())
        try await shell.unfenceForSatellite()
        #expect(await node.events.last == "unfence")
        #expect(await shell.satelliteFence == nil)
    }

    @Test("a satellite unfence without a fresh lease is REJECTED and leaves the fence alone")
    func unfenceWithoutLease() async throws {
        let node = FakeNode(Fixtures.replica)
        let shell = try Fixtures.shell(FakeCluster(), node)
        await #expect(throws: CommandFailure(.rejected, "this pod does not hold a fresh leader lease")) {
            try await shell.unfenceForSatellite()
        }
        #expect(await node.events.isEmpty)
    }

    @Test("a hold placed without the lease ends when the pod takes the lease: the new primary is unfenced")
    func holdEndsWithLeaseChange() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.primary(fenced: true)))
        let shell = try Fixtures.shell(cluster, node)
        try await shell.fenceForSatellite()
        #expect(await shell.satelliteFence?.placedHoldingLease == false)
        let running = Task { await shell.run() }
        defer { running.cancel() }
        #expect(await eventually { await node.events.contains("unfence") })
        #expect(await shell.satelliteFence == nil)
    }
}
