public import Foundation
import GRPC
import PGSwarmAPI
import Synchronization

/// One satellite's open `Connect` stream as the hub sees it: a bounded queue of messages to
/// send, the time of the last message received, and how the stream ended.
///
/// Until the stream is opened (its hello answered), queued messages are held back, so the
/// answer to the hello always goes first. The queue is bounded (`capacity`): a satellite that
/// stops reading while central keeps sending is disconnected instead of growing central's
/// memory. It loses nothing that matters: desired state is versioned, so its next hello gets a
/// snapshot, and live commands are refused once it is gone.
public final class StreamSession: Sendable {
    public let satelliteID: UUID
    /// Distinguishes this stream from earlier and later ones of the same satellite.
    public let generation: UInt64
    public let capacity: Int
    /// What the stream's writer sends, in order. Finishes when the stream ends.
    let outbound: AsyncStream<Pgswarm_V1_CentralMessage>
    private let continuation: AsyncStream<Pgswarm_V1_CentralMessage>.Continuation
    /// Finishes when the stream's cleanup is done (a successor waits for it).
    private let retirement: AsyncStream<Void>
    private let retirementContinuation: AsyncStream<Void>.Continuation

    private enum Phase {
        /// Before the hello is answered: messages wait here.
        case opening(held: [Pgswarm_V1_CentralMessage])
        case open
    }

    private struct State {
        var phase = Phase.opening(held: [])
        var lastReceived: ContinuousClock.Instant
        var ending: GRPCStatus?
    }

    private let state: Mutex<State>

    init(satelliteID: UUID, generation: UInt64, capacity: Int, now: ContinuousClock.Instant) {
        self.satelliteID = satelliteID
        self.generation = generation
        self.capacity = capacity
        (outbound, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        (retirement, retirementContinuation) = AsyncStream.makeStream()
        state = Mutex(State(lastReceived: now))
    }

    /// Room kept in the queue for the answer to the hello (CentralHello and a snapshot).
    static let greetingSize = 2

    static let overflow = GRPCStatus(
        .resourceExhausted, "the satellite does not read its stream; reconnect to resynchronise")

    /// Queues a message; false when the stream has ended, or the queue is full (the stream then
    /// ends RESOURCE_EXHAUSTED).
    @discardableResult
    func enqueue(_ message: Pgswarm_V1_CentralMessage) -> Bool {
        let accepted = state.withLock { state -> Bool? in
            guard state.ending == nil else { return nil }
            switch state.phase {
            case .opening(var held):
                guard held.count < capacity - Self.greetingSize else { return false }
                held.append(message)
                state.phase = .opening(held: held)
                return true
            case .open:
                // Under the lock, so messages keep the order in which they were accepted.
                return Self.accepted(continuation.yield(message))
            }
        }
        if accepted == false { end(Self.overflow) }
        return accepted ?? false
    }

    /// The hello was answered: `greeting` goes out first, then what was held back.
    func open(greeting: [Pgswarm_V1_CentralMessage]) {
        let overflowed = state.withLock { state -> Bool in
            guard state.ending == nil, case .opening(let held) = state.phase else { return false }
            state.phase = .open
            return !(greeting + held).allSatisfy { Self.accepted(continuation.yield($0)) }
        }
        if overflowed { end(Self.overflow) }
    }

    private static func accepted(_ result: AsyncStream<Pgswarm_V1_CentralMessage>.Continuation.YieldResult) -> Bool {
        switch result {
        case .enqueued: return true
        case .dropped, .terminated: return false
        @unknown default: return false
        }
    }

    /// A message arrived from the satellite.
    func touch(at now: ContinuousClock.Instant) {
        state.withLock { $0.lastReceived = max($0.lastReceived, now) }
    }

    var lastReceived: ContinuousClock.Instant { state.withLock { $0.lastReceived } }

    /// Ends the stream with `status` (the first reason wins): nothing more is queued, and the
    /// writer stops once the queue is drained, which ends the call.
    func end(_ status: GRPCStatus) {
        state.withLock { state in
            if state.ending == nil { state.ending = status }
        }
        continuation.finish()
    }

    /// Why the hub ended the stream; nil while it runs or when the satellite ended it.
    var ending: GRPCStatus? { state.withLock { $0.ending } }

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
