import Failover
public import Logging
public import PGSwarmAPI

/// What the satellite's commands do to the local instance: the executor's only I/O, so that
/// tests can replace it. Implementations throw `CommandFailure` for refusals of their own and
/// any other error for the rest (`CommandFailure(classifying:)` maps it).
public protocol StreamInstance: Sendable {
    func reading() async -> InstanceReading
    func fence(drain: Duration) async throws
    func unfence() async throws
    func checkpoint() async throws
    func promote(wait: Duration) async throws
    func reloadConfiguration() async throws
    func createDatabase(_ request: DatabaseRequest) async throws
    func setLogLevel(_ level: Logger.Level) async
}

/// Runs one SidecarCommand: parse, judge it on a fresh reading (`CommandRules`), run it within
/// its timeout, classify the failure, read the state again for the result.
public struct CommandExecutor: Sendable {
    let instance: any StreamInstance
    let cluster: String
    let clock: SidecarClock
    let logger: Logger
    /// Where the commands that change the instance are recorded as events; nil: nowhere.
    let events: EventOutbox?
    /// The reading after a command that timed out may hang as well; it gets this long.
    let readingTimeout: Duration

    public init(
        instance: any StreamInstance, cluster: String, events: EventOutbox? = nil, clock: SidecarClock = SidecarClock(),
        logger: Logger, readingTimeout: Duration = .seconds(5)
    ) {
        self.instance = instance
        self.cluster = cluster
        self.events = events
        self.clock = clock
        self.logger = logger
        self.readingTimeout = readingTimeout
    }

    /// The result to send back, or nil for acknowledgements (which expect none).
    public func execute(_ message: Pgswarm_V1_SidecarCommand) async -> Pgswarm_V1_CommandResult? {
        let failure: CommandFailure?
        var metadata: Logger.Metadata = ["stream.request_id": "\(message.requestID)"]
        switch ParsedCommand.parse(message, cluster: cluster) {
        case .acknowledgement:
            return nil
        case .refuse(let refusal):
            failure = refusal
        case .run(let command, let timeout):
            metadata["stream.command"] = "\(command.name)"
            failure = await run(command, deadline: clock.now() + timeout)
            recordEvent(for: command, failure: failure)
        }
        if let failure {
            metadata["stream.error_code"] = "\(failure.code)"
            logger.info("satellite command failed: \(failure.message)", metadata: metadata)
        } else {
            logger.info("satellite command done", metadata: metadata)
        }
        return await boundedReading().result(requestID: message.requestID, failure: failure)
    }

    /// The command's failure, nil on success. The deadline covers the reading that judges the
    /// preconditions as well as the command.
    func run(_ command: StreamCommand, deadline: MonotonicInstant) async -> CommandFailure? {
        let instance = self.instance
        do {
            try await withDeadline(deadline, clock: clock) {
                let before = await instance.reading()
                if let refusal = CommandRules.refusal(of: command, given: before) { throw refusal }
                try await Self.perform(command, on: instance)
            }
            return nil
        } catch {
            return CommandFailure(classifying: error)
        }
    }

    static func perform(_ command: StreamCommand, on instance: any StreamInstance) async throws {
        switch command {
        case .fence(let drain): try await instance.fence(drain: drain)
        case .unfence: try await instance.unfence()
        case .checkpoint: try await instance.checkpoint()
        case .promote(let wait): try await instance.promote(wait: wait)
        case .status: break
        case .createDatabase(let request): try await instance.createDatabase(request)
        case .reloadConfiguration: try await instance.reloadConfiguration()
        case .setLogLevel(let level):
            if let level { await instance.setLogLevel(level) }
        }
    }

    /// The satellite's changes to the instance, as events (their source says who asked).
    func recordEvent(for command: StreamCommand, failure: CommandFailure?) {
        guard let events else { return }
        switch (command, failure) {
        case (.fence, nil):
            events.record(.primaryFenced, .warning, "fenced on the satellite's request", source: "satellite")
        case (.unfence, nil):
            events.record(.primaryUnfenced, .info, "fence lifted on the satellite's request", source: "satellite")
        case (.promote, nil):
            events.record(.primaryPromoted, .warning, "promoted on the satellite's request", source: "satellite")
        case (.createDatabase(let request), nil):
            events.record(
                .databaseCreated, .info, "database created",
                data: ["database": request.database, "owner": request.owner],
                source: "satellite")
        case (.createDatabase(let request), let failure?):
            events.record(
                .databaseCreateFailed, .error, "database not created: \(failure.message)",
                data: ["database": request.database, "owner": request.owner], source: "satellite")
        default: break
        }
    }

    /// The state after the command; if even that hangs, what is known without the server.
    func boundedReading() async -> InstanceReading {
        let instance = self.instance
        do {
            return try await withDeadline(clock.now() + readingTimeout, clock: clock) { await instance.reading() }
        } catch {
            return InstanceReading(postgres: nil, fenced: false, holdsLease: false)
        }
    }
}
