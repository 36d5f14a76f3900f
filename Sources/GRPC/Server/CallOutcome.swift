import Synchronization

/// Why a server call stopped before its handler finished, decided once (first reason wins).
final class CallOutcome: Sendable {
    enum Interruption: Hashable, Sendable {
        /// The client's `grpc-timeout` ran out: DEADLINE_EXCEEDED was sent.
        case deadlineExceeded
        /// The client reset the stream or the connection died: nobody is listening any more.
        case aborted
    }

    private let interruption = Mutex<Interruption?>(nil)

    /// Records the reason; false if another one was recorded first.
    func interrupt(_ reason: Interruption) -> Bool {
        interruption.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
    }

    var reason: Interruption? { interruption.withLock { $0 } }
}
