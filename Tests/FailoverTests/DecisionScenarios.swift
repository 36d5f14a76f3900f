import Failover
import Postgres

/// The scenario tables. Times are seconds after `Fixture.t0`; leases last 15 s, the renew
/// deadline is 10 s, the retry period 2 s, the maximum lag 1 MiB.
enum DecisionScenarios {
    static let t0 = Fixture.t0

    /// The lease itself: acquire, respect, renew, fence, reclaim.
    static let election: [DecisionScenario] = {
        let pg0 = Fixture.configuration("pg-0")
        let pg1 = Fixture.configuration("pg-1")
        var failing = Fixture.holder(pg0)
        failing.apiCallFailed(at: t0 + 2)
        var crashed = Fixture.holder(pg0)
        _ = crashed.observe(.down, at: t0 + 1)
        for _ in 1...3 { crashed.postgresRestartRequested(at: t0 + 2) }
        return [
            DecisionScenario(
                "acquire from no lease", Fixture.member(pg0, lease: nil), Fixture.primary(lsn: 0, fenced: true),
                at: t0, expect: .acquireLease(.absent, then: .unfence, position: .zero, timeline: 1),
                "acquiring lease orders-leader to lift the fence: I am pg-0, the best eligible member at 0/0 on timeline 1"
            ),
            DecisionScenario(
                "don't acquire a lease a peer holds and renews",
                Fixture.member(
                    pg1, lease: Fixture.lease("pg-0"), statuses: [Fixture.status("pg-0", .primary, lsn: 0x300_0000)]),
                Fixture.replica(lsn: 0x300_0000), at: t0 + 5, expect: .noAction(.following(leader: "pg-0")),
                "no action: I am pg-1, a replica following pg-0, which holds lease orders-leader"),
            DecisionScenario(
                "renew one already held", Fixture.holder(pg0), Fixture.primary(), at: t0 + 2,
                expect: .renewLease(.leading), "no action: I am pg-0, the primary holding lease orders-leader"),
            DecisionScenario(
                "a short API outage changes nothing", failing, Fixture.primary(), at: t0 + 6,
                expect: .renewLease(.renewalsFailing(failingFor: .seconds(4))),
                "no action: I am pg-0, the primary holding lease orders-leader; the API server has failed for 4s"),
            DecisionScenario(
                "fence on the renew deadline", failing, Fixture.primary(), at: t0 + 10,
                expect: .fenceSelf(.renewDeadlinePassed(renewDeadline: .seconds(10))),
                "fencing myself: I am pg-0 and could not renew lease orders-leader within the 10s renew deadline"),
            DecisionScenario(
                "a writable primary without the lease fences itself",
                Fixture.member(pg0, lease: Fixture.lease("pg-1", version: "9")), Fixture.primary(), at: t0 + 1,
                expect: .fenceSelf(.notLeaseHolder(holder: "pg-1")),
                "fencing myself: I am pg-0, a writable primary, but lease orders-leader is held by pg-1"),
            DecisionScenario(
                "the fenced old primary demotes to follow the new holder",
                Fixture.member(
                    pg0, lease: Fixture.lease("pg-1", version: "9"),
                    statuses: [Fixture.status("pg-1", .primary, lsn: 0x300_0000, timeline: 2)]),
                Fixture.primary(fenced: true), at: t0 + 1, expect: .follow(leader: "pg-1", because: .demote),
                "demoting to follow pg-1: I am pg-0, a fenced primary without the lease"),
            DecisionScenario(
                "after a sidecar restart, reclaim the lease that still names us",
                Fixture.member(pg0, lease: Fixture.lease("pg-0")), Fixture.primary(), at: t0,
                expect: .renewLease(.reclaiming),
                "renewing lease orders-leader: I am pg-0, it still names me, but I hold no fresh renewal"),
            DecisionScenario(
                "a crashed primary is restarted in place, keeping the lease", Fixture.holder(pg0), .down,
                at: t0 + 1, expect: .repairInPlace(restart: 1, of: 3),
                "restarting PostgreSQL in place: I am pg-0, the primary holding lease orders-leader (attempt 1 of 3)"),
            DecisionScenario(
                "the lease is released once PostgreSQL cannot come back", crashed, .down, at: t0 + 5,
                expect: .releaseLease(.postgresCannotRecover(downFor: .seconds(4), restarts: 3)),
                "releasing lease orders-leader: I am pg-0 and PostgreSQL did not come back (down 4s, 3 restarts)"),
            DecisionScenario(
                "PostgreSQL down without the lease is restarted, fenced first",
                Fixture.member(pg1, lease: Fixture.lease("pg-0")), .down, at: t0 + 1,
                expect: .repairInPlace(restart: 1, of: nil), "restarting PostgreSQL in place: I am pg-1 (attempt 1)"),
            DecisionScenario(
                "wait until the lease could be read", SidecarMemory(configuration: pg1), Fixture.replica(lsn: 0),
                at: t0, expect: .noAction(.leaseUnknown),
                "no action: I am pg-1 and have not read lease orders-leader yet"),
        ]
    }()

    /// Candidate selection once the lease is free for us.
    static let candidates: [DecisionScenario] = {
        let pg1 = Fixture.configuration("pg-1")
        let pg2 = Fixture.configuration("pg-2")
        let expired = Fixture.lease("pg-0")
        let primary = Fixture.status("pg-0", .primary, lsn: 0x300_0100)
        // pg-2's status changes at t0 + 16, so it is fresh then; pg-0's last changed at t0.
        func advanced(_ configuration: FailoverConfiguration, ahead: MemberStatus) -> SidecarMemory {
            var memory = Fixture.member(configuration, lease: expired, statuses: [primary, ahead])
            var moved = ahead
            moved.sequence += 1
            memory.clusterRead(lease: expired, statuses: [primary, moved], at: t0 + 16)
            return memory
        }
        let behind = Fixture.status("pg-1", .replica, lsn: 0x300_0000)
        let ahead = Fixture.status("pg-2", .replica, lsn: 0x300_0100)
        let sync1 = Fixture.configuration("pg-1", sync: .on)
        let sync2 = Fixture.configuration("pg-2", sync: .on)
        let claiming = Fixture.status("pg-0", .primary, lsn: 0x300_0200, fenced: true, claim: ["pg-2"])
        var alive = Fixture.member(pg1, lease: expired, statuses: [primary])
        var refreshed = primary
        refreshed.sequence = 2
        alive.clusterRead(lease: expired, statuses: [refreshed], at: t0 + 16)
        var released = Fixture.lease(nil, version: "9")
        released.releasedBy = "pg-1"
        var promised = Fixture.member(Fixture.configuration("pg-1", failsafe: .on), lease: expired)
        _ = promised.answerFailsafeRequest(from: "pg-0", local: Fixture.replica(lsn: 0), at: t0 + 14)
        return [
            DecisionScenario(
                "a lagging replica is not eligible, and says why",
                Fixture.member(pg1, lease: expired, statuses: [Fixture.status("pg-0", .primary, lsn: 0x30_0000)]),
                Fixture.replica(lsn: 0x10_0000, streaming: false), at: t0 + 16,
                expect: .noAction(.ineligible(.lagging(behindBytes: 2_097_152, limit: 1_048_576, reference: "pg-0"))),
                "no action: I am pg-1 and cannot be promoted: 2097152 bytes behind pg-0, more than the 1048576 allowed"),
            DecisionScenario(
                "a more advanced peer goes first", advanced(pg1, ahead: ahead),
                Fixture.replica(lsn: 0x300_0000, streaming: false), at: t0 + 16,
                expect: .noAction(.ineligible(.peerAhead("pg-2", LSN(rawValue: 0x300_0100)))),
                "no action: I am pg-1 and cannot be promoted: pg-2 is further ahead (0/3000100)"),
            DecisionScenario(
                "the most advanced replica acquires the expired lease and promotes", advanced(pg2, ahead: behind),
                Fixture.replica(lsn: 0x300_0100, streaming: false), at: t0 + 16,
                expect: .acquireLease(
                    .resourceVersion("7"), then: .promote, position: LSN(rawValue: 0x300_0100), timeline: 1),
                "acquiring lease orders-leader to promote: I am pg-2, the best eligible member at 0/3000100 on timeline 1"
            ),
            DecisionScenario(
                "in synchronous mode only the named standby may be promoted",
                advanced(sync1, ahead: ahead)
                    .reading(claiming, at: t0 + 16), Fixture.replica(lsn: 0x300_0300, streaming: false), at: t0 + 16,
                expect: .noAction(.ineligible(.notSynchronousStandby(claimedBy: "pg-0", claim: ["pg-2"]))),
                "no action: I am pg-1 and cannot be promoted: not the synchronous standby (pg-0 named pg-2)"),
            DecisionScenario(
                "in synchronous mode the named standby is promoted even if behind",
                advanced(sync2, ahead: Fixture.status("pg-1", .replica, lsn: 0x300_0300)).reading(
                    claiming, at: t0 + 16),
                Fixture.replica(lsn: 0x300_0200, streaming: false), at: t0 + 16,
                expect: .acquireLease(
                    .resourceVersion("7"), then: .promote, position: LSN(rawValue: 0x300_0200), timeline: 1),
                "acquiring lease orders-leader to promote: I am pg-2, the best eligible member at 0/3000200 on timeline 1"
            ),
            DecisionScenario(
                "in synchronous mode a fenced old primary cannot retake a lease that passed on",
                Fixture.member(
                    Fixture.configuration("pg-0", sync: .on), lease: Fixture.lease("pg-1", version: "9"),
                    statuses: [Fixture.status("pg-1", .replica, lsn: 0x100)]),
                Fixture.primary(lsn: 0x100, fenced: true), at: t0 + 16,
                expect: .noAction(.ineligible(.notSynchronousStandby(claimedBy: "pg-1", claim: []))),
                "no action: I am pg-0 and cannot be promoted: pg-1 named no synchronous standby"),
            DecisionScenario(
                "in synchronous mode a released lease still needs the releaser's claim",
                Fixture.member(
                    Fixture.configuration("pg-0", sync: .on), lease: released,
                    statuses: [
                        Fixture.status("pg-1", .down, lsn: 0x500, timeline: 2, healthy: false),
                        Fixture.status("pg-0", .primary, lsn: 0x100, claim: ["pg-1"]),
                    ]), Fixture.replica(lsn: 0x500, upstream: "pg-1", timeline: 2, streaming: false), at: t0 + 1,
                expect: .noAction(.ineligible(.notSynchronousStandby(claimedBy: "pg-1", claim: []))),
                "no action: I am pg-0 and cannot be promoted: pg-1 named no synchronous standby"),
            DecisionScenario(
                "in synchronous mode the standby the releaser named takes over at once",
                Fixture.member(
                    Fixture.configuration("pg-0", sync: .on), lease: released,
                    statuses: [
                        Fixture.status("pg-1", .primary, lsn: 0x500, timeline: 2, fenced: true, claim: ["pg-0"])
                    ]), Fixture.replica(lsn: 0x500, upstream: "pg-1", timeline: 2, streaming: false), at: t0 + 1,
                expect: .acquireLease(
                    .resourceVersion("9"), then: .promote, position: LSN(rawValue: 0x500), timeline: 2),
                "acquiring lease orders-leader to promote: I am pg-0, the best eligible member at 0/500 on timeline 2"),
            DecisionScenario(
                "in synchronous mode a member that released the lease before promoting may take it back",
                Fixture.member(
                    Fixture.configuration("pg-1", sync: .on), lease: released,
                    statuses: [Fixture.status("pg-0", .primary, lsn: 0x500, fenced: true, claim: ["pg-1"])]),
                Fixture.replica(lsn: 0x500, streaming: false), at: t0 + 1,
                expect: .acquireLease(
                    .resourceVersion("9"), then: .promote, position: LSN(rawValue: 0x500), timeline: 1),
                "acquiring lease orders-leader to promote: I am pg-1, the best eligible member at 0/500 on timeline 1"),
            DecisionScenario(
                "a replica on an old timeline cannot be promoted",
                Fixture.member(
                    pg2, lease: expired, statuses: [Fixture.status("pg-1", .replica, lsn: 0x100, timeline: 2)]),
                Fixture.replica(lsn: 0x300_0000, streaming: false), at: t0 + 16,
                expect: .noAction(.ineligible(.timelineBehind(peer: "pg-1", peerTimeline: 2, ours: 1))),
                "no action: I am pg-2 and cannot be promoted: on timeline 1 while pg-1 is on 2"),
            DecisionScenario(
                "a candidate waits while the old primary still reports itself writable", alive,
                Fixture.replica(lsn: 0x300_0100, streaming: false), at: t0 + 16,
                expect: .noAction(.ineligible(.primaryStillAlive("pg-0"))),
                "no action: I am pg-1 and cannot be promoted: pg-0 still reports itself a writable primary"),
            DecisionScenario(
                "a failsafe promise holds a candidate back", promised, Fixture.replica(lsn: 0, streaming: false),
                at: t0 + 16, expect: .noAction(.ineligible(.failsafePromise(to: "pg-0"))),
                "no action: I am pg-1 and cannot be promoted: I promised pg-0 not to take over (failsafe)"),
            DecisionScenario(
                "a missing lease while a member reports itself primary is waited out",
                Fixture.member(pg1, lease: nil, statuses: [primary]), Fixture.replica(lsn: 0x300_0100), at: t0 + 5,
                expect: .noAction(.waitingForAbsentLease(remaining: .seconds(10))),
                "no action: I am pg-1; lease orders-leader is missing while a member reports itself primary, "
                    + "waiting 10s before creating it"),
        ]
    }()

    /// Failsafe mode with the API server unreachable.
    static let failsafe: [DecisionScenario] = {
        let pg0 = Fixture.configuration("pg-0", failsafe: .on)
        var confirmed = Fixture.holder(pg0)
        confirmed.apiCallFailed(at: t0 + 1)
        confirmed.failsafeRoundFinished(startedAt: t0 + 9, confirmedBy: ["pg-1", "pg-2"])
        var unconfirmed = Fixture.holder(pg0)
        unconfirmed.apiCallFailed(at: t0 + 1)
        unconfirmed.failsafeRoundFinished(startedAt: t0 + 9, confirmedBy: ["pg-1"])
        return [
            DecisionScenario(
                "failsafe keeps a primary every member confirmed", confirmed, Fixture.primary(), at: t0 + 11,
                expect: .renewLease(.keptByFailsafe(confirmedBy: ["pg-1", "pg-2"])),
                "no action: I am pg-0, the primary; the API server is unreachable but pg-1, pg-2 confirmed me as primary (failsafe)"
            ),
            DecisionScenario(
                "failsafe fences a primary a member did not confirm", unconfirmed, Fixture.primary(), at: t0 + 10,
                expect: .fenceSelf(.failsafeUnconfirmed(missing: ["pg-2"])),
                "fencing myself: I am pg-0; the API server is unreachable and pg-2 did not confirm me as primary (failsafe)"
            ),
        ]
    }()

    /// SIGTERM on the primary, one cycle per stage.
    static let handover: [DecisionScenario] = {
        var leaving = Fixture.holder(Fixture.configuration("pg-0"))
        leaving.shutdownRequested(at: t0 + 1)
        let lagging = [Fixture.standby("pg-1", flush: 0x300_0000), Fixture.standby("pg-2", flush: 0x2FF_F000)]
        let caughtUp = [Fixture.standby("pg-1", flush: 0x300_2000), Fixture.standby("pg-2", flush: 0x2FF_F000)]
        return [
            DecisionScenario(
                "SIGTERM fences the primary first", leaving, Fixture.primary(lsn: 0x300_2000, standbys: lagging),
                at: t0 + 1, expect: .fenceSelf(.handover),
                "fencing myself for handover: I am pg-0, the primary, shutting down"),
            DecisionScenario(
                "then waits for its best replica to catch up", leaving,
                Fixture.primary(lsn: 0x300_2000, fenced: true, standbys: lagging), at: t0 + 2,
                expect: .awaitCatchUp(target: "pg-1", behindBytes: 8192),
                "handing over: I am pg-0, fenced and shutting down, waiting for pg-1 to catch up (8192 bytes behind)"),
            DecisionScenario(
                "then releases the lease to it", leaving,
                Fixture.primary(lsn: 0x300_2000, fenced: true, standbys: caughtUp), at: t0 + 3,
                expect: .releaseLease(.handover(to: "pg-1", caughtUp: true)),
                "handing over: I am pg-0, shutting down; releasing lease orders-leader to pg-1, which has all my WAL"),
        ]
    }()
}

extension SidecarMemory {
    /// The memory after one more read that shows `status` (lease unchanged).
    func reading(_ status: MemberStatus, at now: MonotonicInstant) -> SidecarMemory {
        var memory = self
        var statuses = peers.values.map(\.status).filter { $0.member != status.member }
        statuses.append(status)
        memory.clusterRead(lease: lease.view?.record, statuses: statuses, at: now)
        return memory
    }
}
