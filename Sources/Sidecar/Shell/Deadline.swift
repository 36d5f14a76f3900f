import Failover
import Synchronization

/// An operation that did not finish by its deadline. Its outcome is unknown: it may still take
/// effect (a lease write may land later), so callers report it as failed.
public struct DeadlinePassed: Error, Equatable, CustomStringConvertible {
    public var description: String { "no answer before the deadline" }
}

/// Runs `operation` and returns its result, or throws `DeadlinePassed` at `deadline` without
/// waiting for it: the operation is cancelled and left to finish on its own. This is how the
/// shell abandons a hung step when its tenure ends (`FailoverPolicy`, contract point 3): Swift
/// cancellation is cooperative, so a call that ignores it must not hold the cycle.
func withDeadline<T: Sendable>(
    _ deadline: MonotonicInstant, clock: SidecarClock, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let work = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                try? await clock.sleep(until: deadline)
                race.finish(.failure(DeadlinePassed()))
            }
            race.onFinish {
                work.cancel()
                timer.cancel()
            }
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// First result wins; the continuation is resumed exactly once.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var cleanup: (@Sendable () -> Void)?
        var finished = false
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let pending: Result<T, any Error>? = state.withLock { state in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cleanup): (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) = state.withLock {
            state in
            guard !state.finished else { return (nil, nil) }
            state.finished = true
            if state.continuation == nil { state.result = result }
            defer { state.continuation = nil }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
    }
}
