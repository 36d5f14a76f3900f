import HTTP2

/// What the session keeps for one stream a call is using: the parts not yet taken, and the
/// call's task if it waits to receive or to send.
struct StreamSlot {
    typealias PartWaiter = CheckedContinuation<StreamPart, any Error>
    typealias SendWaiter = CheckedContinuation<Void, any Error>

    private var inbox: [StreamPart] = []
    private var inboxHead = 0
    var partWaiter: PartWaiter?
    var sendWaiter: SendWaiter?
    /// Set once `.closed` was delivered or queued: the peer sends nothing more.
    private(set) var isClosed = false
    /// Called (outside the session lock) if the stream is reset or the connection dies, so a
    /// call busy elsewhere (a handler computing) learns it at once and can be cancelled.
    var onAbort: (@Sendable () -> Void)?

    /// Delivers a part to the waiting call, or keeps it.
    mutating func deliver(_ part: StreamPart) {
        if case .closed = part { isClosed = true }
        if let waiter = partWaiter {
            partWaiter = nil
            waiter.resume(returning: part)
        } else {
            inbox.append(part)
        }
    }

    mutating func takePart() -> StreamPart? {
        guard inboxHead < inbox.count else { return nil }
        let part = inbox[inboxHead]
        inboxHead += 1
        if inboxHead == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxHead = 0
        }
        return part
    }

    /// DATA bytes received but not taken, to give back to the connection window when the call
    /// leaves without reading them.
    var untakenDataByteCount: Int {
        inbox[inboxHead...].reduce(0) { total, part in
            if case .data(let bytes, _) = part { return total + bytes.count }
            return total
        }
    }

    /// Wakes every waiting task with `error` (the connection died or the call left).
    mutating func fail(with error: any Error) {
        if let waiter = partWaiter {
            partWaiter = nil
            waiter.resume(throwing: error)
        }
        if let waiter = sendWaiter {
            sendWaiter = nil
            waiter.resume(throwing: error)
        }
    }
}
