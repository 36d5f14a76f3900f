import Logging
import PGSwarmAPI
import SwiftProtobuf
import Synchronization
import Testing

@testable import Postgres
@testable import Sidecar

/// A scripted instance: its reading, and what each command does.
final class FakeStreamInstance: StreamInstance, Sendable {
    struct Script {
        var reading = InstanceReading(
            postgres: .init(inRecovery: false, timeline: 3, currentLSN: LSN(rawValue: 0x300_0000)), fenced: false,
            holdsLease: true)
        var failures: [String: any Error & Sendable] = [:]
        /// Commands that never finish on their own.
        var hanging: Set<String> = []
        var calls: [String] = []
        var level: Logger.Level?
    }

    let script: Mutex<Script>

    init(_ configure: (inout Script) -> Void = { _ in }) {
        var script = Script()
        configure(&script)
        self.script = Mutex(script)
    }

    var calls: [String] { script.withLock { $0.calls } }

    func reading() async -> InstanceReading { script.withLock { $0.reading } }

    func step(_ name: String, effect: (inout Script) -> Void = { _ in }) async throws {
        let (failure, hangs) = script.withLock { script in
            script.calls.append(name)
            return (script.failures[name], script.hanging.contains(name))
        }
        if hangs { try await Task.sleep(for: .seconds(60)) }
        if let failure { throw failure }
        script.withLock { effect(&$0) }
    }

    func fence(drain: Duration) async throws { try await step("fence") { $0.reading.fenced = true } }
    func unfence() async throws { try await step("unfence") { $0.reading.fenced = false } }
    func checkpoint() async throws { try await step("checkpoint") }
    func promote(wait: Duration) async throws { try await step("promote") { $0.reading.postgres?.inRecovery = false } }
    func reloadConfiguration() async throws { try await step("reload") }
    func createDatabase(_ request: DatabaseRequest) async throws { try await step("create") }
    func setLogLevel(_ level: Logger.Level) async { script.withLock { $0.level = level } }
}

@Suite("Satellite commands: rules, error codes and results")
struct CommandExecutorTests {
    static let primary = InstanceReading.PostgresState(inRecovery: false, timeline: 3, currentLSN: LSN(rawValue: 42))
    static let replica = InstanceReading.PostgresState(
        inRecovery: true, timeline: 3, receivedLSN: LSN(rawValue: 40), replayedLSN: LSN(rawValue: 39),
        walReceiverStreaming: true)

    static func reading(_ postgres: InstanceReading.PostgresState?, lease: Bool) -> InstanceReading {
        InstanceReading(postgres: postgres, fenced: false, holdsLease: lease)
    }

    static let request = DatabaseRequest(database: "app", owner: "app", password: "pw")

    @Test(
        "each precondition refuses with its code",
        arguments: [
            (StreamCommand.unfence, reading(primary, lease: false), Pgswarm_V1_CommandErrorCode.rejected),
            (.promote(wait: .seconds(1)), reading(primary, lease: true), .rejected),
            (.promote(wait: .seconds(1)), reading(replica, lease: false), .rejected),
            (.createDatabase(request), reading(replica, lease: true), .rejected),
            (.createDatabase(request), reading(primary, lease: false), .rejected),
            (.checkpoint, reading(nil, lease: true), .postgresUnavailable),
            (.status, reading(nil, lease: false), .postgresUnavailable),
            (.unfence, reading(nil, lease: true), .postgresUnavailable),
        ])
    func refusals(command: StreamCommand, reading: InstanceReading, code: Pgswarm_V1_CommandErrorCode) {
        #expect(CommandRules.refusal(of: command, given: reading)?.code == code)
    }

    @Test(
        "commands whose preconditions hold may run",
        arguments: [
            (StreamCommand.unfence, reading(primary, lease: true)),
            (.promote(wait: .seconds(1)), reading(replica, lease: true)),
            (.createDatabase(request), reading(primary, lease: true)),
            (.fence(drain: .zero), reading(nil, lease: false)),
            (.fence(drain: .zero), reading(replica, lease: false)),
            (.checkpoint, reading(replica, lease: false)),
            (.status, reading(replica, lease: false)),
            (.setLogLevel(.debug), reading(nil, lease: false)),
        ])
    func allowed(command: StreamCommand, reading: InstanceReading) {
        #expect(CommandRules.refusal(of: command, given: reading) == nil)
    }

    static func server(_ state: String) -> PostgresError {
        .server(.init(sqlState: SQLState(rawValue: state), severity: "FATAL", message: "terminated"))
    }

    @Test(
        "errors map to their wire codes",
        arguments: [
            (DeadlinePassed() as any Error & Sendable, Pgswarm_V1_CommandErrorCode.timedOut),
            (PostgresError.connectionFailed(message: "no such file"), .postgresUnavailable),
            (PostgresError.connectTimeout(seconds: 2), .postgresUnavailable),
            (PostgresError.connectionClosed(message: "server closed the connection"), .outcomeUnknown),
            (server("57P01"), .outcomeUnknown),
            (server("57P02"), .outcomeUnknown),
            (server("57P03"), .postgresUnavailable),
            (server("42501"), .failed),
            (PostgresError.queryTimeout(seconds: 1), .timedOut),
            (PostgresError.invalidArgument("NUL"), .invalidArgument),
            (LocalNodeError.promotionUnfinished, .timedOut),
            (LocalNodeError.supervisor("busy"), .failed),
            (CommandFailure(.rejected, "no lease"), .rejected),
        ])
    func classification(error: any Error & Sendable, code: Pgswarm_V1_CommandErrorCode) {
        #expect(CommandFailure(classifying: error).code == code)
    }

    @Test("a result carries the state after the command")
    func resultFields() {
        let failure = CommandFailure(.rejected, "no")
        let replica = InstanceReading(postgres: Self.replica, fenced: true, holdsLease: false).result(
            requestID: "r", failure: failure)
        #expect(!replica.success && replica.errorCode == .rejected && replica.error == "no")
        #expect(replica.inRecovery && replica.isFenced && !replica.holdsLease && replica.timelineID == 3)
        #expect(replica.receivedLsn == 40 && replica.replayedLsn == 39 && !replica.hasCurrentWalLsn)
        #expect(replica.walReceiverStreaming)
        let primary = InstanceReading(postgres: Self.primary, fenced: false, holdsLease: true).result(
            requestID: "p", failure: nil)
        #expect(primary.success && primary.errorCode == .unspecified && primary.error.isEmpty)
        #expect(primary.currentWalLsn == 42 && !primary.hasReceivedLsn && primary.holdsLease && !primary.inRecovery)
    }

    static func executor(_ instance: FakeStreamInstance) -> CommandExecutor {
        CommandExecutor(
            instance: instance, cluster: "orders",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func command(_ id: String = "r-1", timeoutMs: UInt32 = 0, _ body: (inout Pgswarm_V1_SidecarCommand) -> Void)
        -> Pgswarm_V1_SidecarCommand
    {
        StreamCommandTests.command(id, timeoutMs: timeoutMs, body)
    }

    @Test("a fence succeeds and the result shows it in place")
    func fence() async throws {
        let instance = FakeStreamInstance()
        let result = try #require(await Self.executor(instance).execute(Self.command { $0.fence = .init() }))
        #expect(result.requestID == "r-1" && result.success && result.isFenced)
        #expect(instance.calls == ["fence"])
    }

    @Test("an unfence without the lease is REJECTED and never reaches the instance")
    func unfenceWithoutLease() async throws {
        let instance = FakeStreamInstance {
            $0.reading.fenced = true
            $0.reading.holdsLease = false
        }
        let result = try #require(await Self.executor(instance).execute(Self.command { $0.unfence = .init() }))
        #expect(!result.success && result.errorCode == .rejected && result.isFenced)
        #expect(instance.calls.isEmpty)
    }

    @Test("a command still running at timeout_ms is TIMED_OUT")
    func timedOut() async throws {
        let instance = FakeStreamInstance { $0.hanging = ["checkpoint"] }
        let result = try #require(
            await Self.executor(instance).execute(Self.command(timeoutMs: 50) { $0.checkpoint = .init() }))
        #expect(result.errorCode == .timedOut && !result.success)
    }

    @Test("a session ended by 57P01 during pg_promote is OUTCOME_UNKNOWN")
    func promoteInterrupted() async throws {
        let instance = FakeStreamInstance {
            $0.reading.postgres = Self.replica
            $0.failures["promote"] = Self.server("57P01")
        }
        let result = try #require(await Self.executor(instance).execute(Self.command { $0.promote = .init() }))
        #expect(result.errorCode == .outcomeUnknown && result.inRecovery)
    }

    @Test("a create database on a replica is REJECTED; on the primary it runs")
    func createDatabase() async throws {
        let replica = FakeStreamInstance { $0.reading.postgres = Self.replica }
        let create = Self.command {
            $0.createDatabase.dbName = "app"
            $0.createDatabase.dbUser = "app"
            $0.createDatabase.password = "pw"
        }
        let refused = try #require(await Self.executor(replica).execute(create))
        #expect(refused.errorCode == .rejected && replica.calls.isEmpty)
        let primary = FakeStreamInstance()
        let done = try #require(await Self.executor(primary).execute(create))
        #expect(done.success && primary.calls == ["create"])
    }

    @Test("acknowledgements get no result; unknown commands get UNSUPPORTED; log levels reach the instance")
    func others() async throws {
        let instance = FakeStreamInstance()
        let executor = Self.executor(instance)
        #expect(await executor.execute(Self.command("") { $0.heartbeatAck = .init() }) == nil)
        let unknown = try #require(await executor.execute(Self.command { _ in }))
        #expect(unknown.errorCode == .unsupported && unknown.requestID == "r-1")
        let level = try #require(await executor.execute(Self.command { $0.setLogLevel.level = .trace }))
        #expect(level.success && instance.script.withLock { $0.level } == .trace)
    }

    @Test("heartbeats report the role the satellite needs: a primary without the lease is a failed primary")
    func heartbeat() {
        var report = SidecarStatusReport(
            member: "orders-0", cluster: "orders", role: "primary", leaseHolder: "orders-0", leaseAgeSeconds: 1,
            holdsLease: true, lastRenewalAgeSeconds: 1, fenced: false, timeline: 4, walPosition: "0/0",
            replayedLSN: "0/0", failovers: 0, lastFailoverSeconds: nil, lastDecision: nil, apiFailingSeconds: nil,
            cycles: 1)
        var beat = report.heartbeat(at: .init(seconds: 1))
        #expect(beat.role == .primary && beat.holdsLease && beat.postgresRunning && beat.timelineID == 4)
        report.holdsLease = false
        report.fenced = true
        beat = report.heartbeat(at: .init(seconds: 1))
        #expect(beat.role == .failedPrimary && beat.fenced)
        report.role = "down"
        beat = report.heartbeat(at: .init(seconds: 1))
        #expect(beat.role == .unspecified && !beat.postgresRunning)
    }
}
