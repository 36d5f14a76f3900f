public import Foundation
import GRPC
import PGSwarmAPI
import Synchronization

/// One satellite's open `Connect` stream as the hub sees it: a bounded queue of messages to
/// send, the time of the last message received, and how the stream ended.
///
/// The queue is bounded (`capacity`): a satellite that stops reading while central keeps
/// sending is disconnected instead of growing central's memory. It loses nothing that matters:
/// desired state is versioned, so its next hello gets a snapshot, and live commands are refused
/// once it is gone.
public final class StreamSession: Sendable {
    public let satelliteID: UUID
    /// Distinguishes this stream from earlier and later ones of the same satellite.
    public let generation: UInt64
    /// What the stream's writer sends, in order.
    let outbound: AsyncStream<Pgswarm_V1_CentralMessage>
    private let continuation: AsyncStream<Pgswarm_V1_CentralMessage>.Continuation
    /// Finishes when the stream's cleanup is done (a successor waits for it).
    private let retirement: AsyncStream<Void>
    private let retirementContinuation: AsyncStream<Void>.Continuation

    private struct State {
        var lastReceived: ContinuousClock.Instant
        var ending: GRPCStatus?
        var cancelHandler: (@Sendable () -> Void)?
    }

    private let state: Mutex<State>

    init(satelliteID: UUID, generation: UInt64, capacity: Int, now: ContinuousClock.Instant) {
        self.satelliteID = satelliteID
        self.generation = generation
        (outbound, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        (retirement, retirementContinuation) = AsyncStream.makeStream()
        state = Mutex(State(lastReceived: now))
    }

    /// Queues a message; false (and the stream ends RESOURCE_EXHAUSTED) when the queue is full,
    /// false when the stream already ended.
    @discardableResult
    func enqueue(_ message: Pgswarm_V1_CentralMessage) -> Bool {
        switch continuation.yield(message) {
        case .enqueued:
            return true
        case .dropped:
            end(GRPCStatus(.resourceExhausted, "the satellite does not read its stream; reconnect to resynchronise"))
            return false
        case .terminated:
            return false
        @unknown default:
            return false
        }
    }

    /// A message arrived from the satellite.
    func touch(at now: ContinuousClock.Instant) {
        state.withLock { $0.lastReceived = max($0.lastReceived, now) }
    }

    var lastReceived: ContinuousClock.Instant { state.withLock { $0.lastReceived } }

    /// Ends the stream with `status` (the first reason wins): no more messages are queued, the
    /// writer stops after what is queued, and the handler is cancelled.
    func end(_ status: GRPCStatus) {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.ending == nil else { return nil }
            state.ending = status
            defer { state.cancelHandler = nil }
            return state.cancelHandler
        }
        continuation.finish()
        handler?()
    }

    /// Why the hub ended the stream; nil while it runs or when the satellite ended it.
    var ending: GRPCStatus? { state.withLock { $0.ending } }

    /// Called by `end`; at once if the stream has already ended.
    func onEnd(_ handler: @escaping @Sendable () -> Void) {
        let endedAlready = state.withLock { state -> Bool in
            guard state.ending == nil else { return true }
            state.cancelHandler = handler
            return false
        }
        if endedAlready { handler() }
    }

    /// The stream's cleanup (recording the disconnect) is done.
    func retire() {
        continuation.finish()
        retirementContinuation.finish()
    }

    /// Waits until `retire()` was called, or `timeout` passed.
    func waitUntilRetired(timeout: Duration) async {
        let signal = retirement
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in signal {} }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
