/// The client channel's connection lifecycle: idle → connecting → ready, with failed attempts
/// waiting in transient failure for a jittered exponential backoff (connection-backoff.md).
///
/// Time and randomness are parameters; the shell runs the returned actions. Attempts are
/// numbered so that the outcome of an attempt that was superseded (e.g. by shutdown) is ignored.
public struct ChannelStateMachine: Sendable {
    public enum State: Hashable, Sendable {
        case idle
        case connecting(attempt: Int)
        case ready(attempt: Int)
        /// Waiting until `retryAt` before the next attempt; `lastError` is what calls fail with.
        case transientFailure(retryAt: Duration, lastError: GRPCStatus)
        case shutdown
    }

    /// What the shell must do.
    public enum Action: Hashable, Sendable {
        case none
        /// Dial; the attempt must finish by `deadline` (monotonic time).
        case startConnecting(attempt: Int, deadline: Duration)
        /// Hand the connection to waiting calls.
        case resumeWaitingCalls
        /// Fail calls that wait for a connection with this status (fail-fast semantics).
        case failWaitingCalls(GRPCStatus)
        /// The attempt failed: fail fast calls with `error`; wake up at `retryAt` and call
        /// `retryTimerFired`.
        case enterTransientFailure(GRPCStatus, retryAt: Duration)
        /// Nobody waits any more after a backoff: forget the failure until the next call.
        case becameIdle
        /// Close the connection of `attempt` (shutdown); waiting calls fail UNAVAILABLE.
        case closeConnection(attempt: Int)
    }

    public private(set) var state = State.idle
    private var backoff: BackoffSequence
    private var attempts = 0

    public init(backoff: ConnectionBackoff = ConnectionBackoff()) {
        self.backoff = BackoffSequence(backoff: backoff)
    }

    public var connectivity: ConnectivityState {
        switch state {
        case .idle: .idle
        case .connecting: .connecting
        case .ready: .ready
        case .transientFailure: .transientFailure
        case .shutdown: .shutdown
        }
    }

    /// A call wants a connection.
    public mutating func connectionRequested(at now: Duration) -> Action {
        switch state {
        case .idle:
            return startAttempt(at: now)
        case .transientFailure(let retryAt, _) where now >= retryAt:
            return startAttempt(at: now)
        case .transientFailure(_, let error):
            return .failWaitingCalls(error)
        case .connecting, .ready:
            return .none
        case .shutdown:
            return .failWaitingCalls(GRPCStatus(.unavailable, "channel is shut down"))
        }
    }

    public mutating func connectSucceeded(attempt: Int) -> Action {
        guard case .connecting(attempt) = state else { return .none }
        state = .ready(attempt: attempt)
        backoff = BackoffSequence(backoff: backoff.backoff)
        return .resumeWaitingCalls
    }

    public mutating func connectFailed(
        attempt: Int, error: GRPCStatus, at now: Duration, using random: inout some RandomNumberGenerator
    ) -> Action {
        guard case .connecting(attempt) = state else { return .none }
        let retryAt = now + backoff.nextDelay(using: &random)
        state = .transientFailure(retryAt: retryAt, lastError: error)
        return .enterTransientFailure(error, retryAt: retryAt)
    }

    /// The backoff elapsed. Calls that wait for readiness get a new attempt at once; without
    /// them the channel goes idle and the next call connects (the backoff keeps growing until
    /// an attempt succeeds).
    public mutating func retryTimerFired(at now: Duration, hasWaitingCalls: Bool) -> Action {
        guard case .transientFailure(let retryAt, _) = state, now >= retryAt else { return .none }
        guard hasWaitingCalls else {
            state = .idle
            return .becameIdle
        }
        return startAttempt(at: now)
    }

    /// The ready connection closed (GOAWAY, peer gone, keepalive timeout). The next call reconnects.
    public mutating func connectionClosed(attempt: Int) -> Action {
        guard case .ready(attempt) = state else { return .none }
        state = .idle
        return .none
    }

    public mutating func shutdownRequested() -> Action {
        let previous = state
        state = .shutdown
        switch previous {
        case .connecting(let attempt), .ready(let attempt): return .closeConnection(attempt: attempt)
        case .idle, .transientFailure: return .failWaitingCalls(GRPCStatus(.unavailable, "channel is shut down"))
        case .shutdown: return .none
        }
    }

    private mutating func startAttempt(at now: Duration) -> Action {
        attempts += 1
        state = .connecting(attempt: attempts)
        // connection-backoff.md: each attempt gets max(current backoff, minimum connect timeout).
        let timeout = max(backoff.current, backoff.backoff.minimumConnectTimeout)
        return .startConnecting(attempt: attempts, deadline: now + timeout)
    }
}
