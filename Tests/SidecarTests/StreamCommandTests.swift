import GRPC
import Logging
import PGSwarmAPI
import Testing

@testable import Postgres
@testable import Sidecar

@Suite("Satellite commands: parsing and validation")
struct StreamCommandTests {
    static func command(_ id: String = "r-1", timeoutMs: UInt32 = 0, _ body: (inout Pgswarm_V1_SidecarCommand) -> Void)
        -> Pgswarm_V1_SidecarCommand
    {
        var command = Pgswarm_V1_SidecarCommand()
        command.requestID = id
        command.timeoutMs = timeoutMs
        body(&command)
        return command
    }

    static func parse(_ command: Pgswarm_V1_SidecarCommand) -> ParsedCommand {
        ParsedCommand.parse(command, cluster: "orders")
    }

    static func create(_ name: String, _ user: String, _ password: String = "s3cret") -> Pgswarm_V1_SidecarCommand {
        command {
            $0.createDatabase.dbName = name
            $0.createDatabase.dbUser = user
            $0.createDatabase.password = password
        }
    }

    @Test("each command parses with its default timeout, and timeout_ms overrides it")
    func commands() {
        #expect(
            Self.parse(Self.command { $0.fence.drainTimeoutMs = 1500 })
                == .run(.fence(drain: .milliseconds(1500)), timeout: .milliseconds(11_500)))
        #expect(Self.parse(Self.command { $0.unfence = .init() }) == .run(.unfence, timeout: .seconds(10)))
        #expect(Self.parse(Self.command { $0.checkpoint = .init() }) == .run(.checkpoint, timeout: .seconds(300)))
        #expect(
            Self.parse(Self.command { $0.promote = .init() })
                == .run(.promote(wait: .seconds(60)), timeout: .seconds(70)))
        #expect(Self.parse(Self.command { $0.status = .init() }) == .run(.status, timeout: .seconds(10)))
        #expect(
            Self.parse(Self.command { $0.reloadConf = .init() }) == .run(.reloadConfiguration, timeout: .seconds(10)))
        #expect(
            Self.parse(Self.command(timeoutMs: 250) { $0.checkpoint = .init() })
                == .run(.checkpoint, timeout: .milliseconds(250)))
        #expect(
            Self.parse(Self.command { $0.recovery.action = .reload })
                == .run(.reloadConfiguration, timeout: .seconds(10)))
    }

    @Test("acknowledgements expect no result")
    func acknowledgements() {
        #expect(Self.parse(Self.command("") { $0.heartbeatAck = .init() }) == .acknowledgement)
        #expect(Self.parse(Self.command("") { $0.deliveryAck = .init() }) == .acknowledgement)
    }

    @Test("a command this build does not know is UNSUPPORTED, and so are recovery actions beyond a reload")
    func unsupported() {
        guard case .refuse(let unknown) = Self.parse(Self.command { _ in }) else { Issue.record("not refused"); return }
        #expect(unknown.code == .unsupported)
        for action in [Pgswarm_V1_RecoveryAction.restart, .rewind, .rebuild, .event] {
            guard case .refuse(let failure) = Self.parse(Self.command { $0.recovery.action = action }) else {
                Issue.record("\(action) not refused")
                continue
            }
            #expect(failure.code == .unsupported)
        }
    }

    @Test(
        "malformed commands are INVALID_ARGUMENT",
        arguments: [
            ("", "owner", "pw"), ("db", "", "pw"), ("db", "owner", ""),
            (String(repeating: "x", count: 64), "owner", "pw"),
            ("db", String(repeating: "é", count: 32), "pw"), ("d\u{0}b", "owner", "pw"), ("db", "pg_monitor", "pw"),
            ("db", "owner", "p\u{0}w"),
        ])
    func invalidDatabase(name: String, user: String, password: String) {
        guard case .refuse(let failure) = Self.parse(Self.create(name, user, password)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.code == .invalidArgument)
        #expect(!failure.message.contains(password) || password.isEmpty)
    }

    @Test("names full of quotes and semicolons are valid: they are quoted, not refused")
    func hostileNames() {
        let name = "a\"; DROP DATABASE postgres; --'"
        #expect(
            Self.parse(Self.create(name, "o'w\"ner;"))
                == .run(
                    .createDatabase(DatabaseRequest(database: name, owner: "o'w\"ner;", password: "s3cret")),
                    timeout: .seconds(60)))
    }

    @Test("a command without request_id, or a log level without a level, is INVALID_ARGUMENT")
    func missingFields() {
        #expect(
            Self.parse(Self.command("") { $0.status = .init() })
                == .refuse(CommandFailure(.invalidArgument, "request_id is empty")))
        guard case .refuse(let failure) = Self.parse(Self.command { $0.setLogLevel.level = .unspecified }) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.code == .invalidArgument)
    }

    @Test("a log level for this cluster applies; one for another cluster is acknowledged without effect")
    func logLevels() {
        #expect(
            Self.parse(Self.command { $0.setLogLevel.level = .debug })
                == .run(.setLogLevel(.debug), timeout: .seconds(1)))
        let other = Self.command {
            $0.setLogLevel.level = .debug
            $0.setLogLevel.cluster.clusterName = "billing"
        }
        #expect(Self.parse(other) == .run(.setLogLevel(nil), timeout: .seconds(1)))
    }

    @Test("the password appears in no description, debug description or mirror")
    func passwordRedacted() {
        let request = DatabaseRequest(database: "app", owner: "app", password: "hunter2-secret")
        var dumped = ""
        dump(request, to: &dumped)
        for text in [
            String(describing: request), String(reflecting: request), dumped,
            "\(StreamCommand.createDatabase(request))",
        ] {
            #expect(!text.contains("hunter2"), "leaked in: \(text)")
        }
    }
}

@Suite("Satellite link settings")
struct SatelliteLinkConfigurationTests {
    @Test("the link reconnects after 1 s doubling to 30 s with jitter, and never shows its token")
    func defaults() {
        let configuration = SatelliteLinkConfiguration(
            host: "satellite", port: 9091, token: "tok-very-secret", identity: Pgswarm_V1_SidecarIdentity())
        #expect(configuration.backoff.initial == .seconds(1) && configuration.backoff.multiplier == 2)
        #expect(configuration.backoff.maximum == .seconds(30) && configuration.backoff.jitter > 0)
        #expect(configuration.heartbeatInterval == .seconds(10))
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped] {
            #expect(!text.contains("tok-very-secret"), "leaked in: \(text)")
        }
    }
}
