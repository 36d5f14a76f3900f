/// Commands the failover sidecar sends to the supervisor over the control socket, one JSON object
/// per line. The sidecar decides; the supervisor carries out what needs the postgres container's
/// files and processes (no `pods/exec` anywhere).
public enum SupervisorCommand: Sendable, Equatable, Codable {
    /// Report the current state.
    case status
    /// How to get data onto an empty volume (answer to `awaitingDirective`).
    case bootstrap(BootDirective)
    /// Become (or stay) a standby streaming from `source`: re-point a running standby; otherwise,
    /// or if it does not stream within the grace period, stop, pg_rewind and start as a standby;
    /// if rewinding fails, replace the data with a fresh base backup.
    case follow(SourceServer)
    /// Restart PostgreSQL in place (same data, same role).
    case restart
    /// Re-render the configuration from the template (keeping a fence) and signal a reload.
    case reloadConfiguration
    /// The sidecar finished its shutdown handover; a pending SIGTERM may stop PostgreSQL now.
    case releaseShutdown
    /// PostgreSQL may accept client writes until this instant of the machine's boot clock, after
    /// which the supervisor stops it outright (`Watchdog`); nil: not at all. An absolute instant,
    /// so no delay in transmission can extend it. The sidecar sends it after every change.
    case watchdog(writableUntil: BootInstant?)
}

public struct SupervisorRequest: Sendable, Equatable, Codable {
    public var id: UInt64
    public var command: SupervisorCommand

    public init(id: UInt64, command: SupervisorCommand) {
        self.id = id
        self.command = command
    }
}

public struct SupervisorResponse: Sendable, Equatable, Codable {
    public var id: UInt64
    /// nil on success; what went wrong otherwise.
    public var error: String?
    public var status: SupervisorStatus
}

/// What the supervisor is doing, for the sidecar's decisions and the pod's /status.
public struct SupervisorStatus: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Equatable, Codable {
        case awaitingDirective, starting, running, restarting, stopped, maintenance, shuttingDown
    }

    public var state: State
    /// The postmaster's pid while it runs.
    public var pid: Int32?
    /// standby.signal is present: PostgreSQL runs (or will run) as a standby.
    public var isStandby: Bool
    /// Consecutive exits shortly after a start.
    public var fastExits: Int
    public var isCrashLooping: Bool
    /// Restarts after unplanned exits since the supervisor started.
    public var restarts: Int
    public var lastExit: String?
    /// The long operation in progress (e.g. "rewind from pg-1:5432").
    public var operation: String?
    public var lastError: String?
    /// The standby's current upstream, if any.
    public var source: SourceServer?
    /// The watchdog's running deadline, if any.
    public var watchdogDeadline: BootInstant?
    /// How often the watchdog stopped PostgreSQL since the supervisor started.
    public var watchdogStops: Int
    /// What the last successful `follow` did (nil before one, and while one runs).
    public var lastFollow: FollowOutcome? = nil
}

/// How a `follow` made this member a standby of its source.
public enum FollowOutcome: String, Sendable, Equatable, Codable {
    /// It already streamed from that source.
    case unchanged
    /// A running standby, re-pointed by a configuration reload (no restart).
    case repointed
    /// pg_rewind onto the source's timeline, then a restart as its standby.
    case rewound
    /// A fresh base backup: rewinding was impossible or did not let it stream.
    case rebuilt
}
