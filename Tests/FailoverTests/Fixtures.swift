import Failover
import Postgres

/// Building blocks for decision scenarios. Memories are built through the same recording
/// methods the shells use, so the scenarios exercise the bookkeeping too.
enum Fixture {
    static let t0 = MonotonicInstant.seconds(1_000)
    static let members = ["pg-0", "pg-1", "pg-2"]

    static func configuration(
        _ identity: String, sync: SynchronousMode = .off, failsafe: FailsafeMode = .off, maxLag: Int = 1 << 20
    ) -> FailoverConfiguration {
        do {
            return try FailoverConfiguration(
                identity: identity, leaseName: "orders-leader", maxLagOnFailover: maxLag, synchronousMode: sync,
                failsafeMode: failsafe, members: members)
        } catch {
            preconditionFailure("fixture configuration is invalid: \(error)")
        }
    }

    static func lease(_ holder: String?, version: String = "7") -> LeaseRecord {
        LeaseRecord(
            holder: holder, leaseDuration: .seconds(15), acquireTime: LeaseTimestamp("2024-01-01T00:00:00.000000Z"),
            renewTime: LeaseTimestamp("2024-01-01T00:00:10.000000Z"), transitions: 1, resourceVersion: version)
    }

    static func status(
        _ member: String, _ role: MemberRole, lsn: UInt64, timeline: Int = 1, sequence: UInt64 = 1,
        fenced: Bool = false, healthy: Bool = true, claim: [String] = []
    ) -> MemberStatus {
        MemberStatus(
            member: member, sequence: sequence, role: role, healthy: healthy, fenced: fenced, timeline: timeline,
            walPosition: LSN(rawValue: lsn), replayedLSN: LSN(rawValue: lsn), synchronousStandbys: claim)
    }

    static func primary(
        lsn: UInt64 = 0x300_0000, fenced: Bool = false, timeline: Int = 1, standbys: [StandbyProgress] = [],
        synchronous: [String] = []
    ) -> LocalPostgres {
        .running(
            PostgresSnapshot(
                role: .primary, fenced: fenced, timeline: timeline, walPosition: LSN(rawValue: lsn),
                synchronousStandbyNames: synchronous, standbys: standbys))
    }

    static func replica(
        lsn: UInt64, upstream: String? = "pg-0", fenced: Bool = false, timeline: Int = 1, streaming: Bool = true
    ) -> LocalPostgres {
        .running(
            PostgresSnapshot(
                role: .replica, fenced: fenced, timeline: timeline, walPosition: LSN(rawValue: lsn), upstream: upstream,
                streaming: streaming))
    }

    static func standby(_ member: String, flush: UInt64, synchronous: Bool = false) -> StandbyProgress {
        StandbyProgress(member: member, flushLSN: LSN(rawValue: flush), streaming: true, synchronous: synchronous)
    }

    /// A member that read `lease` and `statuses` at `at`.
    static func member(
        _ configuration: FailoverConfiguration, lease: LeaseRecord?, statuses: [MemberStatus] = [],
        at: MonotonicInstant = t0
    ) -> SidecarMemory {
        var memory = SidecarMemory(configuration: configuration)
        memory.clusterRead(lease: lease, statuses: statuses, at: at)
        return memory
    }

    /// A holder whose renewal sent at `renewedAt` succeeded (lease version 7 → 8).
    static func holder(
        _ configuration: FailoverConfiguration, renewedAt: MonotonicInstant = t0, statuses: [MemberStatus] = []
    ) -> SidecarMemory {
        let me = configuration.identity
        var memory = member(configuration, lease: lease(me), statuses: statuses, at: renewedAt)
        let write = LeaseWrite(.renew, precondition: .resourceVersion("7"))
        _ = memory.leaseWriteStarted(.renew, at: renewedAt)
        memory.leaseWriteFinished(
            write, startedAt: renewedAt, outcome: .written(lease(me, version: "8")), at: renewedAt + .milliseconds(20))
        return memory
    }
}

extension MonotonicInstant {
    static func + (lhs: MonotonicInstant, rhs: Int) -> MonotonicInstant { lhs + .seconds(rhs) }
}
