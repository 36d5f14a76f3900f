public import Logging
import Synchronization
import HTTP2
import Transport

/// A client's connection to one server, shared by any number of concurrent calls (each is an
/// HTTP/2 stream on the same connection). Connects on the first call, reconnects with backoff
/// after failures, and fails calls fast with UNAVAILABLE while it cannot connect.
public final class GRPCChannel: Sendable {
    typealias Waiter = CheckedContinuation<Void, any Error>

    struct State {
        var machine: ChannelStateMachine
        var session: HTTP2Session?
        var waiters: [UInt64: (waiter: Waiter, waitForReady: Bool)] = [:]
        var nextWaiterID: UInt64 = 0
        var random: any RandomNumberGenerator & Sendable
        var keepalive: KeepaliveConfiguration?
        var connectionTasks: [Int: Task<Void, Never>] = [:]
        /// The backoff timer of a transient failure, cancelled by shutdown.
        var retryTask: Task<Void, Never>?
        /// Waiters released under the lock, resumed by `withState` once it is unlocked: resuming a
        /// task takes that task's own lock, which a thread cancelling it holds while it runs the
        /// cancellation handler that waits for this one.
        var released: [(waiter: Waiter, failure: (any Error)?)] = []
    }

    public let configuration: GRPCChannelConfiguration
    let logger: Logger
    let state: Mutex<State>
    let epoch = ContinuousClock.now

    /// Checks the configuration; nothing connects until the first call.
    /// - Parameter random: the source of backoff jitter (tests pass a seeded generator).
    public init(
        configuration: GRPCChannelConfiguration, logger: Logger,
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) throws(GRPCStatus) {
        try configuration.backoff.validate()
        do {
            try configuration.connection.http2.validate()
        } catch {
            throw GRPCStatus(.invalidArgument, "invalid HTTP/2 configuration: \(error)")
        }
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "grpc.target"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
        var backoff = configuration.backoff
        backoff.minimumConnectTimeout = configuration.connectTimeout
        state = Mutex(
            State(
                machine: ChannelStateMachine(backoff: backoff), random: random,
                keepalive: configuration.connection.keepalive))
    }

    func now() -> Duration { ContinuousClock.now - epoch }

    public var connectivity: ConnectivityState {
        state.withLock { $0.machine.connectivity }
    }

    /// Closes the connection; calls in progress fail with UNAVAILABLE, later calls at once.
    public func shutdown() async {
        let tasks = withState { state in
            apply(state.machine.shutdownRequested(), to: &state)
            state.session?.close(GRPCStatus(.unavailable, "channel is shut down"))
            state.retryTask?.cancel()
            return Array(state.connectionTasks.values)
        }
        for task in tasks {
            // Attempts still dialling stop at once; a connection that is up has just been closed.
            task.cancel()
            await task.value
        }
    }

    /// Runs `body` under the lock, then resumes the waiters it released (outside the lock).
    func withState<Result>(_ body: (inout State) -> Result) -> Result {
        let (result, released) = state.withLock { state in
            let result = body(&state)
            defer { state.released.removeAll() }
            return (result, state.released)
        }
        for (waiter, failure) in released {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
        return result
    }
}
