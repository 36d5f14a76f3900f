public import Postgres
public import PGSwarmAPI

/// The instance's state as a CommandResult reports it, read before and after each command.
public struct InstanceReading: Equatable, Sendable {
    /// The server's answer; nil when it does not accept connections.
    public var postgres: PostgresState?
    /// pg_hba.conf carries the fence (readable with the server down).
    public var fenced: Bool
    /// This pod holds a fresh leader lease (the shell's tenure).
    public var holdsLease: Bool

    public init(postgres: PostgresState?, fenced: Bool, holdsLease: Bool) {
        self.postgres = postgres
        self.fenced = fenced
        self.holdsLease = holdsLease
    }

    /// What the server said about itself.
    public struct PostgresState: Equatable, Sendable {
        public var inRecovery: Bool
        public var timeline: Int
        public var currentLSN: LSN?
        public var receivedLSN: LSN?
        public var replayedLSN: LSN?
        public var walReceiverStreaming: Bool

        public init(
            inRecovery: Bool, timeline: Int, currentLSN: LSN? = nil, receivedLSN: LSN? = nil, replayedLSN: LSN? = nil,
            walReceiverStreaming: Bool = false
        ) {
            self.inRecovery = inRecovery
            self.timeline = timeline
            self.currentLSN = currentLSN
            self.receivedLSN = receivedLSN
            self.replayedLSN = replayedLSN
            self.walReceiverStreaming = walReceiverStreaming
        }

        public init(_ status: NodeStatus) {
            self.init(
                inRecovery: status.inRecovery, timeline: status.timeline, currentLSN: status.currentLSN,
                receivedLSN: status.inRecovery ? status.receivedLSN : nil,
                replayedLSN: status.inRecovery ? status.replayedLSN : nil,
                walReceiverStreaming: status.walReceiverStatus == "streaming")
        }
    }

    /// The CommandResult of a command that ended with `failure` (nil: success), with this state.
    public func result(requestID: String, failure: CommandFailure?) -> Pgswarm_V1_CommandResult {
        var result = Pgswarm_V1_CommandResult()
        result.requestID = requestID
        result.success = failure == nil
        if let failure {
            result.errorCode = failure.code
            result.error = failure.message
        }
        result.isFenced = fenced
        result.holdsLease = holdsLease
        if let postgres {
            result.inRecovery = postgres.inRecovery
            result.timelineID = UInt32(clamping: postgres.timeline)
            if let lsn = postgres.currentLSN { result.currentWalLsn = lsn.rawValue }
            if let lsn = postgres.receivedLSN { result.receivedLsn = lsn.rawValue }
            if let lsn = postgres.replayedLSN { result.replayedLsn = lsn.rawValue }
            result.walReceiverStreaming = postgres.walReceiverStreaming
        }
        return result
    }
}

/// The preconditions of each command, judged on the reading taken just before it. The election
/// owns the roles: the satellite may ask, never overrule it.
public enum CommandRules {
    /// The failure the command must be answered with instead of running, nil if it may run.
    public static func refusal(of command: StreamCommand, given reading: InstanceReading) -> CommandFailure? {
        if command.needsPostgres && reading.postgres == nil {
            return CommandFailure(.postgresUnavailable, "PostgreSQL does not accept connections")
        }
        let inRecovery = reading.postgres?.inRecovery ?? false
        switch command {
        case .unfence where !reading.holdsLease:
            // An instance without a fresh lease must stay fenced (DESIGN.md, safety point 3).
            return CommandFailure(.rejected, "this pod does not hold a fresh leader lease")
        case .promote where !inRecovery:
            return CommandFailure(.rejected, "PostgreSQL is already a primary")
        case .promote where !reading.holdsLease:
            // Only the lease holder may become writable: never a second primary.
            return CommandFailure(
                .rejected, "this pod does not hold the leader lease; the election promotes its holder")
        case .createDatabase where inRecovery:
            return CommandFailure(.rejected, "PostgreSQL is a replica; databases are created on the primary")
        case .createDatabase where !reading.holdsLease:
            // A primary without the lease is about to be fenced and rewound: what it creates is lost.
            return CommandFailure(.rejected, "this pod does not hold the leader lease")
        case .fence, .unfence, .checkpoint, .promote, .status, .createDatabase, .reloadConfiguration, .setLogLevel:
            return nil
        }
    }
}
