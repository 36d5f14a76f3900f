import HTTP2
import Transport

/// What calls do with their streams. Every method is safe from any task; waits end early with
/// the connection's status if it dies, or with `CancellationError` if the task is cancelled.
extension HTTP2Session {
    /// Opens a client stream, waiting while the peer's concurrent-stream limit is reached.
    func openStream(headers: [HeaderField], endStream: Bool) async throws -> StreamID {
        while true {
            let opened: StreamID? = try withState { state throws(GRPCStatus) in
                if let status = state.phase.terminalStatus { throw status }
                do throws(HTTP2UsageError) {
                    let id = try state.engine.openStream(headers: headers, endStream: endStream)
                    state.slots[id] = StreamSlot()
                    state.sentHeadersOrData()
                    state.wakeWriterIfNeeded()
                    return id
                } catch .tooManyConcurrentStreams {
                    return nil
                } catch .goingAway {
                    throw GRPCStatus(.unavailable, "connection is going away")
                } catch {
                    throw GRPCStatus(.internalError, "cannot open a stream: \(error)")
                }
            }
            if let opened { return opened }
            try await waitForCapacity()
        }
    }

    private func waitForCapacity() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: SessionState.CapacityWaiter) in
                withState { state in
                    if let status = state.phase.terminalStatus {
                        continuation.resume(throwing: status)
                    } else if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        state.capacityWaiters.append(continuation)
                    }
                }
            }
        } onCancel: {
            // Waking everyone is harmless: the others simply look again.
            withStateFromCancellation { $0.wakeCapacityWaiters() }
        }
        try Task.checkCancellation()
    }

    /// Sends a header block on a stream (server responses).
    func sendHeaders(_ id: StreamID, _ headers: [HeaderField], endStream: Bool) throws(GRPCStatus) {
        try withState { state throws(GRPCStatus) in
            try state.checkUsable(id)
            do throws(HTTP2UsageError) {
                try state.engine.sendHeaders(streamID: id, headers: headers, endStream: endStream)
            } catch {
                throw state.statusForRefusedSend(id, error)
            }
            state.sentHeadersOrData()
            state.wakeWriterIfNeeded()
        }
    }

    /// Queues bytes and waits while more than the high-water mark is queued on the stream.
    func send(_ id: StreamID, _ bytes: [UInt8], endStream: Bool) async throws {
        let mustWait = try withState { state throws(GRPCStatus) in
            try state.checkUsable(id)
            do throws(HTTP2UsageError) {
                try state.engine.sendData(streamID: id, bytes, endStream: endStream)
            } catch {
                throw state.statusForRefusedSend(id, error)
            }
            state.sentHeadersOrData()
            state.wakeWriterIfNeeded()
            return state.engine.bufferedOutboundByteCount(streamID: id) > state.highWaterMark
        }
        guard mustWait else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: StreamSlot.SendWaiter) in
                withState { state in
                    if let status = state.phase.terminalStatus {
                        continuation.resume(throwing: status)
                    } else if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else if state.slots[id] == nil
                        || state.engine.bufferedOutboundByteCount(streamID: id) <= state.highWaterMark
                    {
                        continuation.resume()
                    } else {
                        state.slots[id]?.sendWaiter = continuation
                        state.streamsAwaitingSendRoom.insert(id)
                    }
                }
            }
        } onCancel: {
            withStateFromCancellation { state in
                let waiter = state.slots[id]?.sendWaiter
                state.slots[id]?.sendWaiter = nil
                state.streamsAwaitingSendRoom.remove(id)
                waiter?.resume(throwing: CancellationError())
            }
        }
    }

    /// Queues trailers (they end the stream). With `resetIfPeerStillSending`, a peer that has
    /// not finished its side gets RST_STREAM NO_ERROR once the trailers left (RFC 9113 §8.1).
    func sendTrailers(_ id: StreamID, _ headers: [HeaderField], resetIfPeerStillSending: Bool) throws(GRPCStatus) {
        try withState { state throws(GRPCStatus) in
            try state.checkUsable(id)
            do throws(HTTP2UsageError) {
                try state.engine.sendTrailers(streamID: id, headers: headers)
            } catch {
                throw state.statusForRefusedSend(id, error)
            }
            if resetIfPeerStillSending, state.engine.streamState(id) == .halfClosedLocal {
                state.pendingResets[id] = .noError
            }
            state.sentHeadersOrData()
            state.wakeWriterIfNeeded()
        }
    }

    /// Headers that end the stream at once (trailers-only responses), with the same reset rule.
    func sendHeadersEndingStream(_ id: StreamID, _ headers: [HeaderField]) throws(GRPCStatus) {
        try sendHeaders(id, headers, endStream: true)
        withState { state in
            if state.engine.streamState(id) == .halfClosedLocal {
                state.pendingResets[id] = .noError
                state.wakeWriterIfNeeded()
            }
        }
    }

    /// Resets a stream now (cancellation); queued bytes are dropped. Never throws: a stream
    /// that already ended needs nothing.
    func reset(_ id: StreamID, code: HTTP2ErrorCode) {
        withState { state in
            guard state.phase.terminalStatus == nil, state.engine.streamState(id) != nil else { return }
            do {
                try state.engine.resetStream(streamID: id, code: code)
            } catch {
                return
            }
            state.wakeWriterIfNeeded()
        }
    }

    /// The next thing received on a stream. DATA taken here is acknowledged to the peer's
    /// window: taking is consuming (manual flow control).
    func nextPart(_ id: StreamID) async throws -> StreamPart {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: StreamSlot.PartWaiter) in
                withState { state in
                    guard state.slots[id] != nil else {
                        continuation.resume(throwing: GRPCStatus(.internalError, "stream \(id) was released"))
                        return
                    }
                    if let part = state.slots[id]?.takePart() {
                        continuation.resume(returning: part)
                    } else if let status = state.phase.terminalStatus {
                        continuation.resume(throwing: status)
                    } else if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        state.slots[id]?.partWaiter = continuation
                    }
                }
            }
        } onCancel: {
            withStateFromCancellation { state in
                let waiter = state.slots[id]?.partWaiter
                state.slots[id]?.partWaiter = nil
                waiter?.resume(throwing: CancellationError())
            }
        }
    }

    /// Reports bytes of a taken DATA part as consumed.
    func acknowledge(_ id: StreamID, byteCount: Int) {
        guard byteCount > 0 else { return }
        withState { state in
            state.engine.acknowledgeReceivedData(streamID: id, byteCount: byteCount)
            state.wakeWriterIfNeeded()
        }
    }

    /// Takes `byteCount` from the connection's message budget; false (and nothing taken) when
    /// the budget cannot cover it.
    func reserveMessageBytes(_ byteCount: Int) -> Bool {
        withState { state in
            guard state.bufferedMessageBytes + byteCount <= state.maxBufferedMessageBytes else { return false }
            state.bufferedMessageBytes += byteCount
            return true
        }
    }

    func releaseMessageBytes(_ byteCount: Int) {
        withState { $0.bufferedMessageBytes = max(0, $0.bufferedMessageBytes - byteCount) }
    }

    /// The call is done with the stream: untaken bytes go back to the window, and a connection
    /// that is draining may now close.
    func release(_ id: StreamID) {
        withState { state in
            state.streamsAwaitingSendRoom.remove(id)
            guard var slot = state.slots.removeValue(forKey: id) else { return }
            slot.fail(with: CancellationError())
            state.engine.acknowledgeReceivedData(streamID: id, byteCount: slot.untakenDataByteCount)
            state.wakeWriterIfNeeded()
        }
    }
}

extension SessionState {
    /// Throws the connection's status once it is gone.
    func checkUsable(_ id: StreamID) throws(GRPCStatus) {
        if let status = phase.terminalStatus { throw status }
    }

    /// Why the engine refused to send on a stream: usually the peer reset or ended it first.
    func statusForRefusedSend(_ id: StreamID, _ error: HTTP2UsageError) -> GRPCStatus {
        switch error {
        case .connectionClosed:
            phase.terminalStatus ?? GRPCStatus(.unavailable, "connection closed")
        case .unknownStream, .notAllowedInState:
            GRPCStatus(.cancelled, "stream \(id) is already closed")
        case .goingAway, .tooManyConcurrentStreams, .streamIDsExhausted, .serverCannotOpenStreams, .headersNotSent,
            .invalidHeader, .headerListTooLarge, .invalidSetting, .tooManyUnacknowledgedSettings,
            .invalidConfiguration, .invalidWindowIncrement:
            GRPCStatus(.internalError, "cannot send on stream \(id): \(error)")
        }
    }
}
