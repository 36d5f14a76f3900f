import Failover
import Foundation
import Testing

@testable import Postgres

@Suite("The primary's synchronous standby protocol")
struct SynchronousReplicationTests {
    let t0 = Fixture.t0
    let configuration = Fixture.configuration("pg-0", sync: .on)

    private func decide(_ memory: SidecarMemory, _ local: LocalPostgres, at now: MonotonicInstant) -> Decision {
        var memory = memory
        let observation = memory.observe(local, at: now)
        return FailoverPolicy(configuration: configuration).decide(observation, now: now)
    }

    private func publishedClaim(_ decision: Decision) -> MemberStatus? {
        for step in decision.steps {
            if case .publishStatus(let status) = step { return status }
        }
        return nil
    }

    @Test("switching standby: retract the claim, configure the new one, claim it once it caught up")
    func switchStandby() throws {
        var memory = Fixture.holder(configuration)
        memory.statusPublished(Fixture.status("pg-0", .primary, lsn: 0x300_0000, claim: ["pg-1"]), at: t0)
        // pg-1 stopped streaming; pg-2 streams.
        let before = Fixture.primary(standbys: [Fixture.standby("pg-2", flush: 0x300_0000)], synchronous: ["pg-1"])

        let retract = decide(memory, before, at: t0 + 1)
        #expect(retract.action == .updateSynchronousStandbys(.retract(claim: ["pg-1"])))
        #expect(!retract.steps.contains { if case .setSynchronousStandbys = $0 { true } else { false } })
        let retraction = try #require(publishedClaim(retract))
        #expect(retraction.synchronousStandbys == [])
        #expect(retract.summary.hasPrefix("retracting synchronous standby pg-1"))

        // Until the retraction is confirmed, nothing else happens.
        memory.statusPublicationFailed(retraction, at: t0 + 1)
        #expect(decide(memory, before, at: t0 + 2).action == .updateSynchronousStandbys(.retract(claim: ["pg-1"])))
        memory.statusPublished(retraction, at: t0 + 2)

        let configure = decide(memory, before, at: t0 + 3)
        #expect(configure.action == .updateSynchronousStandbys(.configure(["pg-2"])))
        #expect(configure.steps.contains(.setSynchronousStandbys(["pg-2"])))
        memory.synchronousStandbysConfigured(["pg-2"], atLSN: LSN(rawValue: 0x300_1000))

        let lagging = Fixture.primary(
            lsn: 0x300_1000, standbys: [Fixture.standby("pg-2", flush: 0x300_0800, synchronous: true)],
            synchronous: ["pg-2"])
        #expect(decide(memory, lagging, at: t0 + 4).action == .renewLease(.leading))

        let caughtUp = Fixture.primary(
            lsn: 0x300_2000, standbys: [Fixture.standby("pg-2", flush: 0x300_1000, synchronous: true)],
            synchronous: ["pg-2"])
        let claim = decide(memory, caughtUp, at: t0 + 5)
        #expect(claim.action == .updateSynchronousStandbys(.claim(["pg-2"], caughtUpTo: LSN(rawValue: 0x300_1000))))
        #expect(publishedClaim(claim)?.synchronousStandbys == ["pg-2"])
        #expect(
            claim.summary
                == "naming pg-2 synchronous standby: I am pg-0, the primary, and it holds all WAL up to 0/3001000")
    }

    @Test("a claim whose publication may still land is retracted before the names change")
    func unconfirmedClaim() {
        var memory = Fixture.holder(configuration)
        memory.statusPublicationFailed(Fixture.status("pg-0", .primary, lsn: 0, sequence: 4, claim: ["pg-1"]), at: t0)
        let local = Fixture.primary(standbys: [Fixture.standby("pg-2", flush: 0x300_0000)])
        #expect(decide(memory, local, at: t0 + 1).action == .updateSynchronousStandbys(.retract(claim: ["pg-1"])))
    }

    @Test("with no streaming standby the primary stops waiting, and claims nobody")
    func noStandby() {
        var memory = Fixture.holder(configuration)
        memory.statusPublished(Fixture.status("pg-0", .primary, lsn: 0, claim: []), at: t0)
        let decision = decide(memory, Fixture.primary(synchronous: ["pg-1"]), at: t0 + 1)
        #expect(decision.action == .updateSynchronousStandbys(.configure([])))
        #expect(
            decision.summary
                == "clearing synchronous_standby_names: I am pg-0, the primary, and no standby is streaming")
    }

    @Test("the status query maps onto the decision's snapshot")
    func snapshotFromNodeStatus() {
        let status = NodeStatus(
            inRecovery: true, currentLSN: nil, flushLSN: nil, receivedLSN: LSN(rawValue: 0x200),
            replayedLSN: LSN(rawValue: 0x100), lastReplayedTransactionAt: nil, timeline: 3, checkpointTimeline: 3,
            walReceiverStatus: "streaming", serverVersion: 150_018, startedAt: Date(timeIntervalSince1970: 0))
        let snapshot = PostgresSnapshot(
            status, fenced: false, upstream: "pg-0", synchronousStandbyNames: [], standbys: [])
        #expect(snapshot.role == .replica)
        #expect(snapshot.walPosition == LSN(rawValue: 0x200))
        #expect(snapshot.replayedLSN == LSN(rawValue: 0x100))
        #expect(snapshot.streaming)
        #expect(snapshot.timeline == 3)
    }
}
