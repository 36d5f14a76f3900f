import SeededRandom
import Testing

@testable import GRPC

@Suite("Client channel state machine and backoff")
struct ChannelStateMachineTests {
    typealias Action = ChannelStateMachine.Action
    static let failure = GRPCStatus(.unavailable, "refused")

    @Test("idle, connecting, ready; then idle again when the connection closes")
    func happyPath() {
        var machine = ChannelStateMachine()
        #expect(machine.connectivity == .idle)
        #expect(machine.connectionRequested(at: .zero) == .startConnecting(attempt: 1, deadline: .seconds(20)))
        #expect(machine.connectionRequested(at: .seconds(1)) == .none)
        #expect(machine.connectSucceeded(attempt: 1) == .resumeWaitingCalls)
        #expect(machine.connectivity == .ready)
        #expect(machine.connectionClosed(attempt: 1) == .none)
        #expect(machine.connectivity == .idle)
    }

    @Test("a failed attempt waits a jittered, growing backoff; calls fail fast meanwhile")
    func backoff() {
        var random = SeededGenerator(seed: 42)
        var machine = ChannelStateMachine()
        var now = Duration.zero
        var expectedBase = 1.0
        for attempt in 1...8 {
            #expect(machine.connectionRequested(at: now) != .none, "attempt \(attempt) starts")
            let action = machine.connectFailed(attempt: attempt, error: Self.failure, at: now, using: &random)
            guard case .enterTransientFailure(let status, let retryAt) = action else {
                Issue.record("expected transient failure, got \(action)")
                return
            }
            #expect(status == Self.failure)
            let delay = (retryAt - now).seconds
            #expect(delay >= expectedBase * 0.8 - 1e-6 && delay <= expectedBase * 1.2 + 1e-6, "attempt \(attempt)")
            #expect(machine.connectionRequested(at: now) == .failWaitingCalls(Self.failure))
            now = retryAt
            expectedBase = min(expectedBase * 1.6, 120)
        }
    }

    @Test("the backoff never exceeds the maximum (plus jitter) and resets after a success")
    func cappedAndReset() {
        var random = SeededGenerator(seed: 7)
        var sequence = BackoffSequence(backoff: ConnectionBackoff())
        for _ in 0..<40 {
            #expect(sequence.nextDelay(using: &random) <= .seconds(144))
        }
        #expect(sequence.current == .seconds(120))
        var machine = ChannelStateMachine()
        _ = machine.connectionRequested(at: .zero)
        _ = machine.connectFailed(attempt: 1, error: Self.failure, at: .zero, using: &random)
        _ = machine.retryTimerFired(at: .seconds(2), hasWaitingCalls: true)
        _ = machine.connectSucceeded(attempt: 2)
        _ = machine.connectionClosed(attempt: 2)
        _ = machine.connectionRequested(at: .seconds(3))
        let action = machine.connectFailed(attempt: 3, error: Self.failure, at: .seconds(3), using: &random)
        guard case .enterTransientFailure(_, let retryAt) = action else {
            Issue.record("expected transient failure")
            return
        }
        #expect(retryAt - .seconds(3) <= .milliseconds(1_200), "back to the initial backoff")
    }

    @Test("after the backoff, waiting calls get a new attempt; without them the channel idles")
    func retry() {
        var random = SeededGenerator(seed: 1)
        var machine = ChannelStateMachine()
        _ = machine.connectionRequested(at: .zero)
        _ = machine.connectFailed(attempt: 1, error: Self.failure, at: .zero, using: &random)
        #expect(machine.retryTimerFired(at: .milliseconds(100), hasWaitingCalls: true) == .none, "too early")
        var idle = machine
        #expect(idle.retryTimerFired(at: .seconds(2), hasWaitingCalls: false) == .becameIdle)
        #expect(idle.connectivity == .idle)
        guard case .startConnecting(attempt: 2, _) = machine.retryTimerFired(at: .seconds(2), hasWaitingCalls: true)
        else {
            Issue.record("expected attempt 2")
            return
        }
    }

    @Test("outcomes of superseded attempts are ignored, and shutdown is final")
    func staleAndShutdown() {
        var random = SeededGenerator(seed: 3)
        var machine = ChannelStateMachine()
        _ = machine.connectionRequested(at: .zero)
        #expect(machine.shutdownRequested() == .closeConnection(attempt: 1))
        #expect(machine.connectSucceeded(attempt: 1) == .none)
        #expect(machine.connectFailed(attempt: 1, error: Self.failure, at: .zero, using: &random) == .none)
        guard case .failWaitingCalls(let status) = machine.connectionRequested(at: .seconds(1)) else {
            Issue.record("expected failure after shutdown")
            return
        }
        #expect(status.code == .unavailable)
        #expect(machine.connectivity == .shutdown)
    }

    @Test("invalid backoff settings are refused, one rule each")
    func validation() {
        let invalid: [ConnectionBackoff] = [
            ConnectionBackoff(initial: .zero), ConnectionBackoff(multiplier: 0.5), ConnectionBackoff(jitter: 1),
            ConnectionBackoff(initial: .seconds(5), maximum: .seconds(1)),
            ConnectionBackoff(minimumConnectTimeout: .zero),
        ]
        for backoff in invalid {
            #expect(throws: GRPCStatus.self) { try backoff.validate() }
        }
        #expect(throws: Never.self) { try ConnectionBackoff().validate() }
    }
}
