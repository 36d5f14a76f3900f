import Failover
import Logging
import Postgres
import Supervisor

@testable import Sidecar

/// An API server in memory: compare-and-swap on the lease, statuses kept over lower sequences.
/// `hangLeaseWrites` makes lease writes hang and ignore cancellation, as a wedged connection does.
actor FakeCluster: ClusterAPI {
    var lease: LeaseRecord?
    var version = 0
    var members: [String: MemberDocument] = [:]
    var hangLeaseWrites = false
    var leaseWrites: [LeaseRecord] = []

    func setHangLeaseWrites(_ hang: Bool) { hangLeaseWrites = hang }
    func setLease(_ record: LeaseRecord?) {
        version += 1
        lease = record
        lease?.resourceVersion = String(version)
    }

    func readCluster() async throws -> ClusterReading {
        ClusterReading(lease: lease, members: members.values.sorted { $0.status.member < $1.status.member })
    }

    func writeLease(_ record: LeaseRecord, precondition: LeasePrecondition) async throws -> LeaseWriteOutcome {
        if hangLeaseWrites {
            // Not cancellable: the shell must abandon it by itself.
            while hangLeaseWrites { try? await Task.sleep(for: .milliseconds(20)) }
        }
        switch (precondition, lease) {
        case (.absent, nil): break
        case (.resourceVersion(let expected), let current?) where current.resourceVersion == expected: break
        default: return .conflict
        }
        version += 1
        var stored = record
        stored.resourceVersion = String(version)
        lease = stored
        leaseWrites.append(stored)
        return .written(stored)
    }

    func publish(_ document: MemberDocument) async throws -> Bool {
        if let stored = members[document.status.member], stored.status.sequence >= document.status.sequence {
            return false
        }
        members[document.status.member] = document
        return true
    }

    func labelPod(_ role: RoleLabel) async throws {}

    nonisolated func leaderChanges() -> AsyncStream<String?> {
        AsyncStream { _ in }
    }
}

/// A local PostgreSQL and supervisor in memory, recording every call in order.
actor FakeNode: LocalNode {
    var local: LocalPostgres
    var events: [String] = []
    /// The watchdog deadline last handed over, and when the fence ran.
    var watchdog: BootInstant?
    var fencedAt: BootInstant?

    init(_ local: LocalPostgres) { self.local = local }

    func observe(memberAt: @Sendable (SourceServer) -> String?) async -> LocalObservation {
        LocalObservation(local: local, supervisor: nil, node: nil)
    }

    private func update(_ change: (inout PostgresSnapshot) -> Void) {
        guard case .running(var snapshot) = local else { return }
        change(&snapshot)
        local = .running(snapshot)
    }

    func fence() async throws {
        events.append("fence")
        if fencedAt == nil { fencedAt = .now }
        update { $0.fenced = true }
    }

    func unfence() async throws {
        events.append("unfence")
        update { $0.fenced = false }
    }

    func promote() async throws {
        events.append("promote")
        update { $0.role = .primary }
    }

    func follow(_ source: SourceServer, timeout: Duration) async throws -> FollowOutcome? {
        events.append("follow")
        return .rewound
    }
    func restart(timeout: Duration) async throws { events.append("restart") }

    func setSynchronousStandbys(_ names: [String]) async throws -> LSN {
        events.append("sync \(names)")
        return .zero
    }

    func setWatchdog(_ writableUntil: BootInstant?) async throws {
        events.append(writableUntil == nil ? "watchdog none" : "watchdog set")
        watchdog = writableUntil
    }

    func bootstrap(_ directive: BootDirective, timeout: Duration) async throws { events.append("bootstrap") }
    func releaseShutdown() async throws { events.append("releaseShutdown") }
    func checkpoint() async throws { events.append("checkpoint") }
    func reloadConfiguration() async throws { events.append("reload") }
    func createDatabase(name: String, owner: String, password: String) async throws { events.append("createdb") }
}

enum Fixtures {
    /// 4 s lease, 2 s renew deadline, 0.5 s retry, 1 s fence: a full cycle of the contract in seconds.
    static func configuration(_ pod: String = "pg-0") throws -> SidecarConfiguration {
        try SidecarConfiguration(
            namespace: "default", clusterName: "pg",
            failover: try FailoverConfiguration(
                identity: pod, leaseName: "pg-leader", leaseDuration: .seconds(4), renewDeadline: .seconds(2),
                retryPeriod: .milliseconds(500), fenceTimeout: .seconds(1)),
            advertisedPostgres: SourceServer(host: pod, port: 5432), advertisedStatusAddress: pod + ":8008",
            localPostgres: LocalPostgresSettings(socketDirectory: "/run", hbaFile: "/h"), supervisorSocket: "/s")
    }

    static func primary(fenced: Bool) -> LocalPostgres {
        .running(PostgresSnapshot(role: .primary, fenced: fenced, timeline: 1, walPosition: LSN(rawValue: 100)))
    }

    static let replica = LocalPostgres.running(
        PostgresSnapshot(role: .replica, fenced: false, timeline: 1, walPosition: LSN(rawValue: 100)))

    static func shell(_ cluster: FakeCluster, _ node: FakeNode, pod: String = "pg-0") throws -> SidecarShell {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return SidecarShell(
            configuration: try configuration(pod), cluster: cluster, node: node,
            wallTime: { LeaseTimestamp("2026-01-01T00:00:00.000000Z") }, logger: logger)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func eventually(_ timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
