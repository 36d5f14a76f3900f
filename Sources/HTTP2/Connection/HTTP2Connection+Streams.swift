/// Finding streams by id, applying received inputs to them, and forgetting finished ones.
extension HTTP2Connection {
    /// What an id refers to from the connection's point of view.
    enum StreamLookup {
        case active
        case closed(StreamClosedBy)
        /// Not opened yet by its initiator (RFC 9113 §5.1.1).
        case idle
        /// Closed so long ago that its record was dropped.
        case forgotten
    }

    func lookup(_ id: StreamID) -> StreamLookup {
        if streams[id] != nil { return .active }
        if let closedBy = closedStreams[id] { return .closed(closedBy) }
        if isLocallyInitiated(id) {
            return id.rawValue >= nextLocalStreamID ? .idle : .forgotten
        }
        return id > highestPeerStreamID ? .idle : .forgotten
    }

    func isLocallyInitiated(_ id: StreamID) -> Bool {
        role == .client ? id.isClientInitiated : id.isServerInitiated
    }

    /// Applies a received input to whatever stream `id` is; false when the frame is to be ignored.
    mutating func admitReceived(_ input: StreamInput, on id: StreamID) throws(HTTP2Error) -> Bool {
        let current: StreamState
        switch lookup(id) {
        case .active: current = streams[id]?.state ?? .idle
        case .closed(let closedBy): current = .closed(by: closedBy)
        case .idle: current = .idle
        case .forgotten:
            // How it closed is unknown: trust nothing that opens or feeds it, tolerate the rest.
            switch input {
            case .receiveHeaders, .receiveData, .receiveEndStream:
                throw .stream(id, .streamClosed, "frame on closed stream \(id)")
            case .receiveReset, .receiveWindowUpdate, .receivePriority, .receivePushPromise, .sendHeaders,
                .sendData, .sendEndStream, .sendReset, .sendWindowUpdate, .sendPushPromise:
                return false
            }
        }
        switch StreamStateMachine.transition(from: current, on: input) {
        case .moved(let next):
            // Only active streams move here; new streams are created by `receiveHeaders`.
            streams[id]?.state = next
            return streams[id] != nil
        case .ignored:
            return false
        case .rejectedLocally:
            throw .connection(.internalError, "receive input \(input) classified as local")
        case .streamError(let code):
            throw .stream(id, code, "\(input) not allowed on stream \(id) in state \(current)")
        case .connectionError(let code):
            throw .connection(code, "\(input) not allowed on stream \(id) in state \(current)")
        }
    }

    /// Moves a closed stream with nothing left to send into the bounded closed-stream memory.
    mutating func retireIfFinished(_ id: StreamID) {
        guard let stream = streams[id], stream.isFinished, let closedBy = stream.state.closedBy else { return }
        streams[id] = nil
        closedStreams.remember(id, closedBy: closedBy)
    }

    /// Answers a stream-level violation with RST_STREAM (RFC 9113 §5.4.2).
    mutating func resetAfterStreamError(_ id: StreamID, code: HTTP2ErrorCode, into events: inout [HTTP2Event])
        throws(HTTP2Error)
    {
        switch lookup(id) {
        case .idle:
            // RST_STREAM must never be sent on an idle stream (§6.4); the violation is dropped.
            return
        case .active:
            // A stream already closed (and only kept for its queue) is not reported twice.
            if let stream = streams[id], stream.state.closedBy == nil {
                events.append(.streamClosed(streamID: id, reason: .resetLocally(code)))
            }
            streams[id]?.state = .closed(by: .sentReset)
            streams[id]?.queue.removeAll()
            retireIfFinished(id)
        case .closed, .forgotten:
            closedStreams.remember(id, closedBy: .sentReset)
        }
        try floodGuard.recordQueuedControlFrame()
        write(Frame(streamID: id, payload: .rstStream(code)))
    }

    /// Active streams opened by the peer, for SETTINGS_MAX_CONCURRENT_STREAMS (§5.1.2).
    var activePeerStreamCount: Int {
        streams.values.count { $0.state.isActive && !isLocallyInitiated($0.id) }
    }

    /// Active streams we opened, checked against the peer's SETTINGS_MAX_CONCURRENT_STREAMS.
    public var activeLocalStreamCount: Int {
        streams.values.count { $0.state.isActive && isLocallyInitiated($0.id) }
    }

    /// The state of a stream; nil for idle or forgotten ids.
    public func streamState(_ id: StreamID) -> StreamState? {
        switch lookup(id) {
        case .active: streams[id]?.state
        case .closed(let closedBy): .closed(by: closedBy)
        case .idle, .forgotten: nil
        }
    }
}
