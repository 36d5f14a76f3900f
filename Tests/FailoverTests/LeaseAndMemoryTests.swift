import Failover
import Postgres
import Testing

@Suite("Lease records and the observer's view")
struct LeaseViewTests {
    let t0 = Fixture.t0

    @Test("the view is re-stamped only when the record changes, whatever its renew time says")
    func observedTime() {
        let record = Fixture.lease("pg-0")
        let view = LeaseView(record: record, observedAt: t0)
        #expect(view.observing(record, at: t0 + 10).observedAt == t0)
        var renewed = record
        renewed.resourceVersion = "8"
        // A renew time far in the past (a skewed wall clock) changes nothing: only our clock counts.
        renewed.renewTime = LeaseTimestamp("1970-01-01T00:00:00.000000Z")
        let restamped = view.observing(renewed, at: t0 + 10)
        #expect(restamped.observedAt == t0 + 10)
        #expect(!restamped.isExpired(at: t0 + 24))
        #expect(restamped.isExpired(at: t0 + 25))
    }

    @Test("a lease without a holder is free at once")
    func released() {
        let view = LeaseView(record: Fixture.lease(nil), observedAt: t0)
        #expect(view.holder == nil)
        #expect(view.isExpired(at: t0))
    }

    @Test("an absent lease keeps the time it was first seen absent")
    func absence() {
        let knowledge = LeaseKnowledge.unknown.reading(nil, at: t0).reading(nil, at: t0 + 5)
        #expect(knowledge == .absent(since: t0))
        #expect(knowledge.precondition == .absent)
        #expect(knowledge.reading(Fixture.lease("pg-1"), at: t0 + 6).view?.observedAt == t0 + 6)
    }

    @Test("acquiring counts a transition, renewing keeps the acquire time, releasing clears the holder")
    func proposals() {
        let previous = Fixture.lease("pg-0")
        let now = LeaseTimestamp("2024-01-01T00:01:00.000000Z")
        let acquired = LeaseWrite(.acquire, precondition: .resourceVersion("7"))
            .record(by: "pg-1", leaseDuration: .seconds(15), replacing: previous, at: now)
        #expect(acquired.holder == "pg-1")
        #expect(acquired.transitions == 2)
        #expect(acquired.acquireTime == now)
        let renewed = LeaseWrite(.renew, precondition: .resourceVersion("7"))
            .record(by: "pg-0", leaseDuration: .seconds(15), replacing: previous, at: now)
        #expect(renewed.transitions == 1)
        #expect(renewed.acquireTime == previous.acquireTime)
        #expect(renewed.renewTime == now)
        let released = LeaseWrite(.release, precondition: .resourceVersion("7"))
            .record(by: "pg-0", leaseDuration: .seconds(15), replacing: previous, at: now)
        #expect(released.holder == nil)
        #expect(released.releasedBy == "pg-0")
        #expect(acquired.releasedBy == nil)
        #expect(released.leaseDuration == .seconds(1))
        let created = LeaseWrite(.acquire, precondition: .absent)
            .record(by: "pg-0", leaseDuration: .seconds(15), replacing: nil, at: now)
        #expect(created.transitions == 0)
        #expect(created.resourceVersion == nil)
    }

    @Test("durations print as plain seconds")
    func secondsText() {
        #expect(Duration.seconds(10).secondsText == "10s")
        #expect(Duration.milliseconds(2500).secondsText == "2.5s")
        #expect(Duration.milliseconds(125).secondsText == "0.125s")
        #expect(Duration.milliseconds(-1000).secondsText == "-1s")
        #expect(MonotonicInstant.milliseconds(12_345).description == "12.345s")
    }
}

@Suite("What a sidecar remembers between cycles")
struct SidecarMemoryTests {
    let t0 = Fixture.t0
    let pg0 = Fixture.configuration("pg-0")

    @Test("a renewal is credited to the moment it was sent, not answered")
    func tenureFromSendTime() {
        let memory = Fixture.holder(pg0, renewedAt: t0)
        #expect(memory.tenure?.startedAt == t0)
        #expect(memory.tenureDeadline == t0 + 10)
        #expect(memory.writableUntil == t0 + 12)
    }

    @Test("a lost race keeps the tenure until a read shows who holds the lease")
    func conflict() {
        var memory = Fixture.holder(pg0)
        let write = LeaseWrite(.renew, precondition: .resourceVersion("8"))
        _ = memory.leaseWriteStarted(.renew, at: t0 + 2)
        memory.leaseWriteFinished(write, startedAt: t0 + 2, outcome: .conflict, at: t0 + 2)
        #expect(memory.tenure?.startedAt == t0)
        memory.clusterRead(lease: Fixture.lease("pg-0", version: "9"), statuses: [], at: t0 + 3)
        #expect(memory.tenure?.startedAt == t0)
        memory.clusterRead(lease: Fixture.lease("pg-1", version: "10"), statuses: [], at: t0 + 4)
        #expect(memory.tenure == nil)
    }

    @Test("a failed write leaves the tenure's deadline running")
    func failedWrite() {
        var memory = Fixture.holder(pg0)
        let write = LeaseWrite(.renew, precondition: .resourceVersion("8"))
        _ = memory.leaseWriteStarted(.renew, at: t0 + 2)
        memory.leaseWriteFinished(write, startedAt: t0 + 2, outcome: .failed, at: t0 + 3)
        #expect(memory.tenureDeadline == t0 + 10)
        #expect(memory.api.failingSince == t0 + 3)
    }

    @Test("a member refuses to confirm a failsafe primary whenever confirming could allow two primaries")
    func failsafeRefusals() {
        let configuration = Fixture.configuration("pg-1", failsafe: .on)
        let replica = Fixture.replica(lsn: 0)
        func answer(_ memory: SidecarMemory, local: LocalPostgres) -> FailsafeAnswer {
            var memory = memory
            return memory.answerFailsafeRequest(from: "pg-0", local: local, at: t0)
        }
        #expect(answer(Fixture.holder(configuration), local: replica) == .refused(reason: "pg-1 holds the lease"))
        var acquiring = Fixture.member(configuration, lease: Fixture.lease("pg-0"))
        let acquireStarted = acquiring.leaseWriteStarted(.acquire, at: t0)
        #expect(acquireStarted)
        #expect(answer(acquiring, local: replica) == .refused(reason: "pg-1 is acquiring the lease"))
        let following = Fixture.member(configuration, lease: Fixture.lease("pg-0"))
        #expect(answer(following, local: Fixture.primary()) == .refused(reason: "pg-1 accepts writes"))
        let movedOn = Fixture.member(configuration, lease: Fixture.lease("pg-2"))
        #expect(answer(movedOn, local: replica) == .refused(reason: "pg-1 saw the lease held by pg-2"))
        let off = Fixture.member(Fixture.configuration("pg-1"), lease: Fixture.lease("pg-0"))
        #expect(answer(off, local: replica) == .refused(reason: "failsafe mode is off"))
        #expect(answer(following, local: replica) == .confirmed)
    }

    @Test("a confirmation is a promise: no acquisition for a lease duration")
    func failsafePromise() {
        var memory = Fixture.member(Fixture.configuration("pg-1", failsafe: .on), lease: Fixture.lease("pg-0"))
        let answer = memory.answerFailsafeRequest(from: "pg-0", local: Fixture.replica(lsn: 0), at: t0)
        #expect(answer == .confirmed)
        #expect(memory.failsafe.promise == FailsafePromise(primary: "pg-0", until: t0 + 15))
        let heldBack = memory.leaseWriteStarted(.acquire, at: t0 + 14)
        #expect(!heldBack)
        let freed = memory.leaseWriteStarted(.acquire, at: t0 + 15)
        #expect(freed)
    }

    @Test("a failsafe round extends the holder only when every configured member confirmed")
    func failsafeRounds() {
        var memory = Fixture.holder(Fixture.configuration("pg-0", failsafe: .on))
        memory.failsafeRoundFinished(startedAt: t0 + 5, confirmedBy: ["pg-1"])
        #expect(memory.failsafe.lastRoundMissing == ["pg-2"])
        #expect(memory.tenureDeadline == t0 + 10)
        memory.failsafeRoundFinished(startedAt: t0 + 7, confirmedBy: ["pg-1", "pg-2"])
        #expect(memory.tenureDeadline == t0 + 17)
        #expect(memory.writableUntil == t0 + 19)
    }

    @Test("publication sequences grow past publications whose outcome is unknown")
    func publications() {
        var memory = SidecarMemory(configuration: pg0)
        let first = Fixture.status("pg-0", .primary, lsn: 1, sequence: 1, claim: ["pg-1"])
        memory.statusPublished(first, at: t0)
        var retraction = first
        retraction.sequence = memory.nextPublicationSequence
        retraction.synchronousStandbys = []
        memory.statusPublicationFailed(retraction, at: t0 + 1)
        #expect(memory.nextPublicationSequence == 3)
        #expect(memory.possibleClaims == [["pg-1"], []])
        memory.clusterRead(lease: nil, statuses: [retraction], at: t0 + 2)
        #expect(memory.possibleClaims == [[]])
    }

    @Test("PostgreSQL down starts the repair clock; running again stops it")
    func repairClock() {
        var memory = SidecarMemory(configuration: pg0)
        _ = memory.observe(.down, at: t0)
        memory.postgresRestartRequested(at: t0 + 1)
        _ = memory.observe(.starting, at: t0 + 2)
        #expect(memory.repair?.downSince == t0)
        #expect(memory.repair?.restarts == 1)
        _ = memory.observe(Fixture.primary(), at: t0 + 3)
        #expect(memory.repair == nil)
    }
}
