import FoundationEssentials
import Logging
import Failover
import PGSwarmAPI
import SwiftProtobuf
import Testing

@testable import Postgres
@testable import Sidecar

@Suite("Events for the satellite")
struct EventOutboxTests {
    static func outbox(capacity: Int = 512) -> EventOutbox {
        EventOutbox(
            subject: .init(cluster: "orders", namespace: "edge", pod: "orders-1"), capacity: capacity,
            wallTime: { Date(timeIntervalSince1970: 1_800_000_000) })
    }

    @Test("events are numbered from 1 and carry who they are about, from the sidecar, each with its own id")
    func numbering() {
        let events = Self.outbox()
        events.record(.leaseAcquired, .info, "acquired", data: ["timeline": "2"])
        events.record(.primaryFenced, .warning, "fenced")
        let messages = events.messages(after: 0)
        #expect(messages.map(\.seq) == [1, 2])
        let first = messages[0].event
        #expect(first.type == .leaseAcquired && first.severity == .info && first.message == "acquired")
        #expect(first.clusterName == "orders" && first.namespace == "edge" && first.podName == "orders-1")
        #expect(first.origin == .sidecar && first.source == "election" && first.data == ["timeline": "2"])
        #expect(first.timestamp.seconds == 1_800_000_000)
        #expect(Set(messages.map(\.event.id)).count == 2 && !first.id.isEmpty)
        #expect(events.messages(after: 1).map(\.seq) == [2])
    }

    @Test("an acknowledgement releases everything through its seq; a stale or excessive one no more than exists")
    func acknowledgements() {
        let events = Self.outbox()
        for index in 1...3 { events.record(.postgresRestarted, .warning, "restart \(index)") }
        events.acknowledge(through: 2)
        #expect(events.messages(after: 0).map(\.seq) == [3])
        #expect(events.acknowledgedThrough == 2)
        events.acknowledge(through: 1)
        #expect(events.acknowledgedThrough == 2 && events.counts.waiting == 1)
        events.acknowledge(through: 99)
        #expect(events.acknowledgedThrough == 3 && events.counts.waiting == 0)
        events.record(.primaryUnfenced, .info, "next")
        #expect(events.messages(after: events.acknowledgedThrough).map(\.seq) == [4])
    }

    @Test("at most `capacity` events wait: the oldest go first, and are counted")
    func capacity() {
        let events = Self.outbox(capacity: 3)
        for index in 1...5 { events.record(.postgresRestarted, .warning, "restart \(index)") }
        #expect(events.messages(after: 0).map(\.seq) == [3, 4, 5])
        #expect(events.counts.waiting == 3 && events.counts.dropped == 2)
    }

    @Test("the bell rings once at once and again after a record")
    func bell() async {
        let events = Self.outbox()
        var rings = events.bell().makeAsyncIterator()
        #expect(await rings.next() != nil)
        events.record(.leaseLost, .info, "released")
        events.record(.leaseLost, .info, "released again")
        #expect(await rings.next() != nil)
        #expect(events.messages(after: 0).count == 2)
    }

    @Test("the satellite's fence, unfence and create database are events; the password never is")
    func commandEvents() async throws {
        let events = Self.outbox()
        let instance = FakeStreamInstance { $0.failures["create"] = PostgresError.connectionClosed(message: "gone") }
        let executor = CommandExecutor(
            instance: instance, cluster: "orders", events: events,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = await executor.execute(CommandExecutorTests.command("1") { $0.fence = .init() })
        _ = await executor.execute(CommandExecutorTests.command("2") { $0.unfence = .init() })
        _ = await executor.execute(CommandExecutorTests.command("3") { $0.status = .init() })
        _ = await executor.execute(
            CommandExecutorTests.command("4") {
                $0.createDatabase.dbName = "app"
                $0.createDatabase.dbUser = "owner"
                $0.createDatabase.password = "s3cret-pass"
            })
        let recorded = events.messages(after: 0).map(\.event)
        #expect(recorded.map(\.type) == [.primaryFenced, .primaryUnfenced, .databaseCreateFailed])
        #expect(recorded.allSatisfy { $0.source == "satellite" })
        #expect(recorded[2].data == ["database": "app", "owner": "owner"])
        #expect(!recorded.contains { "\($0)".contains("s3cret-pass") })
    }

    @Test("the shell records the lease it won and the fence it lifted")
    func shellEvents() async throws {
        let (cluster, node) = (FakeCluster(), FakeNode(Fixtures.primary(fenced: true)))
        let events = Self.outbox()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let shell = SidecarShell(
            configuration: try Fixtures.configuration("pg-0"), cluster: cluster, node: node,
            wallTime: { LeaseTimestamp("2026-01-01T00:00:00.000000Z") }, events: events, logger: logger)
        let running = Task { await shell.run() }
        #expect(await eventually { events.messages(after: 0).contains { $0.event.type == .primaryUnfenced } })
        running.cancel()
        let recorded = events.messages(after: 0).map(\.event)
        #expect(recorded.first?.type == .leaseAcquired)
        #expect(recorded.first?.message.contains("pg-0") == true)
        #expect(!recorded.contains { $0.type == .leaseLost || $0.type == .primaryFenced })
    }
}

@Suite("Blocked failovers")
struct FailoverBlockTrackerTests {
    static func decision(_ action: Action) -> Decision {
        Decision(
            action: action, steps: [], wakeAt: MonotonicInstant(nanosecondsSinceOrigin: 0), member: "pg-1",
            leaseName: "pg-leader")
    }

    static let lagging = decision(
        .noAction(.ineligible(.lagging(behindBytes: 9_000_000, limit: 1_048_576, reference: "pg-0"))))

    @Test("one event per blocked episode; a new reason or a new episode reports again; election noise never does")
    func episodes() {
        var tracker = FailoverBlockTracker()
        #expect(tracker.observe(Self.lagging) == "lagging")
        #expect(tracker.observe(Self.lagging) == nil, "the same episode")
        let behind = Self.decision(.noAction(.ineligible(.timelineBehind(peer: "pg-2", peerTimeline: 4, ours: 3))))
        #expect(tracker.observe(behind) == "timeline behind")
        #expect(tracker.observe(Self.decision(.noAction(.following(leader: "pg-2")))) == nil)
        #expect(tracker.current == nil)
        #expect(tracker.observe(Self.lagging) == "lagging", "a new episode")
        let ahead = Self.decision(.noAction(.ineligible(.peerAhead("pg-2", LSN(rawValue: 7)))))
        #expect(tracker.observe(ahead) == nil && tracker.current == nil)
        #expect(tracker.observe(Self.decision(.noAction(.ineligible(.primaryStillAlive("pg-0"))))) == nil)
    }
}
