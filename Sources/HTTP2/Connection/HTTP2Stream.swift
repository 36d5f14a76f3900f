/// Everything the connection keeps about one stream that is not closed and forgotten yet.
struct HTTP2Stream: Sendable {
    /// Where the peer's message (request or response) is, for RFC 9113 §8.1 checks.
    enum InboundMessage: Hashable, Sendable {
        /// Nothing yet, or only 1xx informational responses.
        case awaitingHeaders
        /// Final headers seen; DATA may follow, and a HEADERS now is trailers.
        case awaitingBodyOrTrailers
    }

    /// Where our own message is, so DATA cannot precede HEADERS and trailers cannot be the first HEADERS.
    enum OutboundMessage: Hashable, Sendable {
        case awaitingHeaders
        case headersSent
    }

    let id: StreamID
    var state: StreamState
    var inboundMessage = InboundMessage.awaitingHeaders
    var outboundMessage = OutboundMessage.awaitingHeaders
    /// What the peer lets us send.
    var outboundWindow: FlowControlWindow
    /// What we let the peer send.
    var inboundFlow: InboundFlowControl
    var queue = OutboundDataQueue()

    init(id: StreamID, state: StreamState, outboundWindowSize: Int, inboundWindowSize: Int) {
        self.id = id
        self.state = state
        self.outboundWindow = FlowControlWindow(size: outboundWindowSize)
        self.inboundFlow = InboundFlowControl(initialSize: inboundWindowSize, targetSize: inboundWindowSize)
    }

    /// Closed and with nothing left to send: the connection may forget it.
    var isFinished: Bool { state.closedBy != nil && queue.isEmpty }
}

/// How streams that are gone were closed, for the last `capacity` of them.
///
/// Bounded, oldest forgotten first (STYLE §1.7): a frame for a forgotten stream
/// is judged by its id alone.
struct ClosedStreamMemory: Sendable {
    let capacity: Int
    private var closedBy: [StreamID: StreamClosedBy] = [:]
    private var order: [StreamID] = []
    private var oldest = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    subscript(id: StreamID) -> StreamClosedBy? { closedBy[id] }

    var count: Int { closedBy.count }

    mutating func remember(_ id: StreamID, closedBy reason: StreamClosedBy) {
        if closedBy.updateValue(reason, forKey: id) == nil {
            order.append(id)
        }
        while closedBy.count > capacity {
            closedBy[order[oldest]] = nil
            oldest += 1
        }
        if oldest > capacity {
            order.removeFirst(oldest)
            oldest = 0
        }
    }
}
