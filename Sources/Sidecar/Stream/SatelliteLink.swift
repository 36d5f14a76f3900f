import Failover
import GRPC
public import Logging
public import PGSwarmAPI
import PGSwarmRPC
import Synchronization

/// The sidecar's stream to its satellite (SidecarStreamService.Connect), as a client.
///
/// Failover never depends on it: the link runs as a task of its own beside the shell, and a
/// satellite that is dead, slow or hostile costs at most the commands it sends (each bounded by
/// its timeout, each judged by `CommandRules` and the shell). Per stream: the identity first,
/// then a heartbeat every `heartbeatInterval` from a writer of its own, while the satellite's
/// commands run one at a time in arrival order, each answered by a CommandResult. Events (the
/// `EventOutbox`) are sent with their sequence numbers until the satellite acknowledges them,
/// again on every new stream. A broken stream is dialled again after a jittered, exponentially
/// growing delay.
public struct SatelliteLink: Sendable {
    let configuration: SatelliteLinkConfiguration
    let executor: CommandExecutor
    let events: EventOutbox
    let heartbeat: @Sendable () async -> Pgswarm_V1_SidecarHeartbeat
    let statistics: SatelliteLinkStatistics
    let clock: SidecarClock
    let logger: Logger

    /// Messages waiting for the writer. Results and heartbeats are best-effort beyond this (the
    /// stream is stuck); events wait for room instead, and stay in the `EventOutbox` meanwhile.
    static let outboxLimit = 32
    /// How long an event waits before trying a full writer queue again.
    static let eventRetry: Duration = .milliseconds(100)

    public init(
        configuration: SatelliteLinkConfiguration, executor: CommandExecutor, events: EventOutbox,
        heartbeat: @escaping @Sendable () async -> Pgswarm_V1_SidecarHeartbeat, statistics: SatelliteLinkStatistics,
        clock: SidecarClock = SidecarClock(), logger: Logger
    ) {
        self.configuration = configuration
        self.executor = executor
        self.events = events
        self.heartbeat = heartbeat
        self.statistics = statistics
        self.clock = clock
        var logger = logger
        logger[metadataKey: "stream.satellite"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Dials, converses and dials again until the task is cancelled.
    public func run(random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) async {
        var random = random
        var delays = BackoffSequence(backoff: configuration.backoff)
        while !Task.isCancelled {
            let (established, error) = await converseOnce()
            statistics.streamEnded()
            if Task.isCancelled { break }
            if established { delays = BackoffSequence(backoff: configuration.backoff) }
            let delay = delays.nextDelay(using: &random)
            logger.info(
                "satellite stream ended; dialling again",
                metadata: [
                    "stream.error": "\(error.map { "\($0)" } ?? "closed by the satellite")",
                    "stream.retry_in": "\(delay)",
                ])
            do {
                try await clock.sleep(until: clock.now() + delay)
            } catch {
                break
            }
        }
    }

    /// One stream from dial to end. Returns whether the satellite answered on it (which resets
    /// the backoff) and the error that ended it, if any.
    func converseOnce() async -> (established: Bool, error: (any Error)?) {
        let established = FirstMessage()
        let channel: GRPCChannel
        do {
            channel = try GRPCChannel(configuration: configuration.channel, logger: logger)
        } catch {
            return (false, error)
        }
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(configuration.token)")
        var failure: (any Error)?
        do {
            try await channel.bidirectionalStreaming(
                SidecarStreamServiceMethods.connect, options: CallOptions(metadata: metadata)
            ) { call in
                try await converse(on: call, established: established)
            }
        } catch {
            failure = error
        }
        await channel.shutdown()
        return (established.arrived, failure)
    }

    func converse(
        on call: ClientCall<Pgswarm_V1_SidecarMessage, Pgswarm_V1_SidecarCommand>, established: FirstMessage
    ) async throws {
        let (outbox, sender) = AsyncStream.makeStream(
            of: Pgswarm_V1_SidecarMessage.self, bufferingPolicy: .bufferingOldest(Self.outboxLimit))
        var hello = Pgswarm_V1_SidecarMessage()
        hello.identity = configuration.identity
        sender.yield(hello)
        defer { sender.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in outbox { try await call.write(message) }
            }
            group.addTask { try await sendHeartbeats(to: sender) }
            group.addTask { try await sendEvents(to: sender) }
            group.addTask { try await answerCommands(on: call, sender: sender, established: established) }
            // Whichever ends first ends the stream: the satellite closed it, or a write failed.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    func sendHeartbeats(to sender: AsyncStream<Pgswarm_V1_SidecarMessage>.Continuation) async throws {
        while !Task.isCancelled {
            var message = Pgswarm_V1_SidecarMessage()
            message.heartbeat = await heartbeat()
            sender.yield(message)
            try await clock.sleep(until: clock.now() + configuration.heartbeatInterval)
        }
    }

    /// Sends every unacknowledged event, then each new one as it is recorded. An event that finds
    /// the writer's queue full waits for room rather than being dropped.
    func sendEvents(to sender: AsyncStream<Pgswarm_V1_SidecarMessage>.Continuation) async throws {
        var sentThrough = events.acknowledgedThrough
        for await _ in events.bell() {
            for message in events.messages(after: sentThrough) {
                guard try await enqueue(message, on: sender) else { return }
                sentThrough = message.seq
            }
        }
    }

    /// Puts `message` in the writer's queue, waiting for room; false once the stream has ended.
    func enqueue(
        _ message: Pgswarm_V1_SidecarMessage, on sender: AsyncStream<Pgswarm_V1_SidecarMessage>.Continuation
    ) async throws -> Bool {
        while true {
            switch sender.yield(message) {
            case .enqueued: return true
            case .dropped: try await clock.sleep(until: clock.now() + Self.eventRetry)
            case .terminated: return false
            @unknown default: return false
            }
        }
    }

    /// Reads commands and answers each before reading the next (arrival order; HTTP/2 flow
    /// control holds back a satellite that sends faster). A command runs in a task of its own,
    /// so that a stream ending mid-command does not cut it short: it finishes or times out.
    func answerCommands(
        on call: ClientCall<Pgswarm_V1_SidecarMessage, Pgswarm_V1_SidecarCommand>,
        sender: AsyncStream<Pgswarm_V1_SidecarMessage>.Continuation, established: FirstMessage
    ) async throws {
        for try await command in call.responses {
            if established.markArrived() {
                statistics.streamEstablished()
                logger.notice("satellite stream established")
            }
            if case .deliveryAck(let ack) = command.command {
                events.acknowledge(through: ack.ackedThroughSeq)
                continue
            }
            let executor = self.executor
            guard let result = await Task(operation: { await executor.execute(command) }).value else { continue }
            statistics.commandAnswered()
            var message = Pgswarm_V1_SidecarMessage()
            message.commandResult = result
            sender.yield(message)
        }
    }
}

/// Whether the satellite has sent anything on the current stream.
final class FirstMessage: Sendable {
    private let state = Mutex(false)

    var arrived: Bool { state.withLock { $0 } }

    /// Records a message; true for the first one.
    func markArrived() -> Bool {
        state.withLock { arrived in
            defer { arrived = true }
            return !arrived
        }
    }
}
