public import Logging
public import PGSwarmAPI

/// A satellite command after parsing and validation: what `CommandExecutor` runs.
public enum StreamCommand: Equatable, Sendable {
    /// The hard fence; client sessions get `drain` to finish before they are terminated.
    case fence(drain: Duration)
    case unfence
    case checkpoint
    /// pg_promote(), waiting up to `wait` for the end of recovery.
    case promote(wait: Duration)
    case status
    case createDatabase(DatabaseRequest)
    case reloadConfiguration
    /// nil: addressed to another cluster's sidecars (acknowledged, no effect).
    case setLogLevel(Logger.Level?)

    /// What the command is called in logs and error messages.
    public var name: String {
        switch self {
        case .fence: "fence"
        case .unfence: "unfence"
        case .checkpoint: "checkpoint"
        case .promote: "promote"
        case .status: "status"
        case .createDatabase: "create database"
        case .reloadConfiguration: "reload configuration"
        case .setLogLevel: "set log level"
        }
    }

    /// The budget when the satellite sets no `timeout_ms`. Checkpoints of a busy server and
    /// promotions take long; the rest are a few statements.
    var defaultTimeout: Duration {
        switch self {
        case .fence(let drain): drain + .seconds(10)
        case .promote(let wait): wait + .seconds(10)
        case .checkpoint: .seconds(300)
        case .createDatabase: .seconds(60)
        case .unfence, .status, .reloadConfiguration: .seconds(10)
        case .setLogLevel: .seconds(1)
        }
    }

    /// Whether the command needs a running PostgreSQL (the fence also holds for a stopped one:
    /// it lives in pg_hba.conf; the log level is the sidecar's own).
    var needsPostgres: Bool {
        switch self {
        case .fence, .setLogLevel: false
        case .unfence, .checkpoint, .promote, .status, .createDatabase, .reloadConfiguration: true
        }
    }
}

/// CreateDatabaseCmd's fields. The password never appears in descriptions, dumps or mirrors.
public struct DatabaseRequest: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var database: String
    public var owner: String
    public var password: String

    public init(database: String, owner: String, password: String) {
        self.database = database
        self.owner = owner
        self.password = password
    }

    /// PostgreSQL truncates longer names silently (NAMEDATALEN 64), which would create an
    /// object of another name than the one asked for.
    static let maximumNameBytes = 63

    /// The first problem with the request, nil if none.
    func violation() -> String? {
        for (what, name) in [("db_name", database), ("db_user", owner)] {
            if name.isEmpty { return "\(what) is empty" }
            if name.utf8.count > Self.maximumNameBytes {
                return "\(what) is longer than \(Self.maximumNameBytes) bytes"
            }
            if name.utf8.contains(0) { return "\(what) contains a NUL byte" }
        }
        // PostgreSQL reserves the pg_ prefix for its own roles.
        if owner.lowercased().hasPrefix("pg_") { return "db_user must not start with pg_" }
        if password.isEmpty { return "password is empty" }
        if password.utf8.contains(0) { return "password contains a NUL byte" }
        return nil
    }

    public var description: String { "database \(database) owned by \(owner) (password redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["database": database, "owner": owner]) }
}

/// What to do with one message from the satellite.
public enum ParsedCommand: Equatable, Sendable {
    /// A heartbeat or delivery acknowledgement: no result is expected.
    case acknowledgement
    /// Run it within `timeout`.
    case run(StreamCommand, timeout: Duration)
    /// Answer at once with this failure.
    case refuse(CommandFailure)
}

extension ParsedCommand {
    /// Parses one SidecarCommand. `cluster` is ours: a log level meant for another cluster's
    /// sidecars is acknowledged without effect.
    public static func parse(_ message: Pgswarm_V1_SidecarCommand, cluster: String) -> ParsedCommand {
        let command: StreamCommand
        switch message.command {
        case .heartbeatAck, .deliveryAck:
            return .acknowledgement
        case nil:
            // A oneof case this build does not know arrives as an unknown field.
            return .refuse(CommandFailure(.unsupported, "this sidecar does not know the command"))
        case .fence(let fence):
            command = .fence(drain: .milliseconds(Int64(fence.drainTimeoutMs)))
        case .unfence:
            command = .unfence
        case .checkpoint:
            command = .checkpoint
        case .promote(let promote):
            let wait = promote.waitTimeoutMs == 0 ? 60_000 : Int64(promote.waitTimeoutMs)
            command = .promote(wait: .milliseconds(wait))
        case .status:
            command = .status
        case .reloadConf:
            command = .reloadConfiguration
        case .createDatabase(let create):
            let request = DatabaseRequest(database: create.dbName, owner: create.dbUser, password: create.password)
            if let violation = request.violation() { return .refuse(CommandFailure(.invalidArgument, violation)) }
            command = .createDatabase(request)
        case .setLogLevel(let change):
            guard let level = Logger.Level(change.level) else {
                return .refuse(CommandFailure(.invalidArgument, "log level is unspecified"))
            }
            if change.target == .satellite {
                return .refuse(CommandFailure(.invalidArgument, "the log level is addressed to the satellite"))
            }
            let addressed = change.cluster.clusterName
            command = .setLogLevel(addressed.isEmpty || addressed == cluster ? level : nil)
        case .recovery(let recovery):
            // Only the trivial remediation is ours to run from here: restarts, rewinds and rebuilds
            // belong to the election and the supervisor, which a satellite must not race.
            guard recovery.action == .reload else {
                return .refuse(CommandFailure(.unsupported, "recovery action \(recovery.action) is not supported"))
            }
            command = .reloadConfiguration
        }
        if message.requestID.isEmpty { return .refuse(CommandFailure(.invalidArgument, "request_id is empty")) }
        let timeout = message.timeoutMs == 0 ? command.defaultTimeout : .milliseconds(Int64(message.timeoutMs))
        return .run(command, timeout: timeout)
    }
}

extension Logger.Level {
    init?(_ level: Pgswarm_V1_LogLevel) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
