import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Testing

@testable import Supervisor

@Suite("Supervisor watchdog (pure)")
struct WatchdogStateTests {
    static let now = BootInstant(nanoseconds: 1_000_000_000_000)

    @Test("an idle watchdog ignores settings that grant nothing")
    func idleIgnoresNothing() {
        var watchdog = Watchdog()
        #expect(watchdog.set(writableUntil: nil, now: Self.now) == .none)
        #expect(watchdog.set(writableUntil: Self.now, now: Self.now) == .none, "a deadline that already passed")
        #expect(watchdog.deadline == nil && !watchdog.allowsWrites(now: Self.now))
    }

    @Test("a future deadline is scheduled, and enforced only once it has passed")
    func scheduledThenEnforced() {
        var watchdog = Watchdog()
        let until = Self.now + .seconds(10)
        #expect(watchdog.set(writableUntil: until, now: Self.now) == .schedule(until))
        #expect(watchdog.allowsWrites(now: Self.now))
        #expect(watchdog.deadlineReached(now: Self.now + .seconds(9)) == .schedule(until), "an early timer waits on")
        #expect(watchdog.deadlineReached(now: until) == .enforce)
        #expect(watchdog.deadline == nil && !watchdog.allowsWrites(now: until))
        #expect(watchdog.deadlineReached(now: until + .seconds(1)) == .none, "enforced once")
    }

    @Test("a renewal moves the deadline; losing the lease enforces at once")
    func renewalAndLoss() {
        var watchdog = Watchdog()
        _ = watchdog.set(writableUntil: Self.now + .seconds(10), now: Self.now)
        let later = Self.now + .seconds(15)
        #expect(watchdog.set(writableUntil: later, now: Self.now + .seconds(5)) == .schedule(later))
        #expect(watchdog.deadlineReached(now: Self.now + .seconds(12)) == .schedule(later))
        #expect(watchdog.set(writableUntil: nil, now: Self.now + .seconds(13)) == .enforce)
        _ = watchdog.set(writableUntil: Self.now + .seconds(30), now: Self.now)
        #expect(
            watchdog.set(writableUntil: Self.now, now: Self.now + .seconds(1)) == .enforce,
            "a setting already in the past while guarding")
    }

    @Test("boot instants travel as a bare number of nanoseconds and never go back")
    func bootInstants() throws {
        let first = BootInstant.now
        let second = BootInstant.now
        #expect(first <= second && first.nanoseconds > 0)
        let command = SupervisorCommand.watchdog(writableUntil: BootInstant(nanoseconds: 42))
        let json = String(decoding: try JSONEncoder().encode(command), as: UTF8.self)
        #expect(json == #"{"watchdog":{"writableUntil":42}}"#)
        #expect(try JSONDecoder().decode(SupervisorCommand.self, from: Data(json.utf8)) == command)
        #expect((first + .milliseconds(1500)).nanoseconds == first.nanoseconds + 1_500_000_000)
    }
}

@Suite("Supervisor watchdog with real PostgreSQL", .serialized)
struct WatchdogTests {
    @Test("a primary whose deadline passes without renewal is stopped outright and comes back fenced")
    func deadlinePassing() async throws {
        try await withPods(["pg-0"]) { pods in
            let pod = pods[0]
            let first = try #require(try await pod.send(.bootstrap(.initialize)).pid)
            let armed = try await pod.send(.watchdog(writableUntil: .now + .milliseconds(1500)))
            #expect(armed.watchdogDeadline != nil)
            let admin = try await pod.adminSession()
            try await PostgresFence(connection: admin).unfence()
            let client = try await pod.tcpSession()
            try await client.query("CREATE TABLE t (v int)")
            #expect(
                try await eventually {
                    let status = try await pod.send(.status)
                    return status.watchdogStops == 1 && status.state == .running && status.pid != first
                })
            await #expect(throws: PostgresError.self) { try await client.query("INSERT INTO t VALUES (1)") }
            await #expect(throws: PostgresError.self) { _ = try await pod.tcpSession() }
            #expect(try await pod.send(.status).watchdogDeadline == nil)
            await client.close()
            await admin.close()
        }
    }

    @Test("a primary that crashes while its deadline runs comes back writable; losing the lease stops it")
    func crashWithinDeadline() async throws {
        try await withPods(["pg-0"]) { pods in
            let pod = pods[0]
            let first = try #require(try await pod.send(.bootstrap(.initialize)).pid)
            _ = try await pod.send(.watchdog(writableUntil: .now + .seconds(120)))
            let admin = try await pod.adminSession()
            try await PostgresFence(connection: admin).unfence()
            await admin.close()
            kill(-first, SIGKILL)
            #expect(
                try await eventually {
                    let status = try await pod.send(.status)
                    return status.state == .running && status.pid != nil && status.pid != first
                })
            let second = try #require(try await pod.send(.status).pid)
            let client = try await pod.tcpSession()
            try await client.query("CREATE TABLE t (v int)")
            // The sidecar lost the lease: no write permission at all, enforced at once.
            let stopped = try await pod.send(.watchdog(writableUntil: nil))
            #expect(stopped.watchdogStops == 1)
            #expect(
                try await eventually {
                    let status = try await pod.send(.status)
                    return status.state == .running && status.pid != second
                })
            await #expect(throws: PostgresError.self) { _ = try await pod.tcpSession() }
            await client.close()
        }
    }
}
