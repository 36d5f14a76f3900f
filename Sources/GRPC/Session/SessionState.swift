import HTTP2
import Logging

/// Everything a session guards with its lock: the HTTP/2 engine and the calls' stream slots.
///
/// Methods run under the lock and never block; they resume waiting tasks instead. The engine
/// is the single source of truth about streams; slots only hold what calls have not taken yet.
struct SessionState {
    typealias WriterWaiter = CheckedContinuation<[UInt8]?, Never>
    typealias CapacityWaiter = CheckedContinuation<Void, any Error>

    var engine: HTTP2Connection
    var phase = SessionPhase.active
    var slots: [StreamID: StreamSlot] = [:]
    var writerWaiter: WriterWaiter?
    /// Client calls waiting for the peer's SETTINGS_MAX_CONCURRENT_STREAMS to allow one more.
    var capacityWaiters: [CapacityWaiter] = []
    var keepalive: KeepaliveTimer?
    var pingPolicy: PingAbusePolicy?
    /// When the peer must have finished the handshake; nil once it did.
    var handshakeDeadline: Duration?
    var peerSettingsReceived = false
    /// Server side: streams the peer opened, for the connection to start handlers.
    var incoming: AsyncStream<IncomingStream>.Continuation?
    /// The peer's GOAWAY said "too_many_pings" (A8: its successors should ping half as often).
    var peerComplainedAboutPings = false
    /// The writer waiting for the reader to see the peer close (lingering close).
    var lingerWaiter: CheckedContinuation<Void, Never>?
    var hasReaderEnded = false
    /// Streams to reset once their queued bytes (trailers included) have left: a server that
    /// answered before the client finished sending stops the rest (RFC 9113 §8.1). Kept apart
    /// from the slots because the call may be gone by the time the bytes leave.
    var pendingResets: [StreamID: HTTP2ErrorCode] = [:]
    /// Streams whose call waits in `send` for its queue to shrink.
    var streamsAwaitingSendRoom: Set<StreamID> = []
    /// Callbacks to run once the lock is released (they may take other locks or cancel tasks).
    var pendingCallbacks: [@Sendable () -> Void] = []
    let highWaterMark: Int
    /// Bytes calls hold for messages not handed over yet, against `maxBufferedMessageBytes`.
    var bufferedMessageBytes = 0
    let maxBufferedMessageBytes: Int

    init(engine: HTTP2Connection, configuration: SessionConfiguration, now: Duration) {
        self.engine = engine
        self.highWaterMark = configuration.outboundHighWaterMark
        self.maxBufferedMessageBytes = configuration.maxBufferedMessageBytes
        self.keepalive = configuration.keepalive.map { KeepaliveTimer(configuration: $0, now: now) }
        self.pingPolicy = configuration.pingAbusePolicy.map { PingAbusePolicy(configuration: $0) }
        self.handshakeDeadline = now + configuration.handshakeTimeout
    }

    var hasActiveCalls: Bool { !slots.isEmpty }

    // MARK: Inbound

    /// Feeds received bytes to the engine and routes what it reports.
    mutating func receive(_ bytes: [UInt8], at now: Duration, logger: Logger) {
        guard phase.terminalStatus == nil else { return }
        keepalive?.receivedFrame(at: now)
        do {
            let events = try engine.receive(bytes, at: now)
            for event in events {
                route(event, at: now, logger: logger)
            }
        } catch {
            // The engine queued GOAWAY with the error's code; flush it, then close.
            close(after: StatusMapping.status(forConnectionError: error.code, reason: error.reason), lingering: true)
        }
        wakeWriterIfNeeded()
    }

    private mutating func route(_ event: HTTP2Event, at now: Duration, logger: Logger) {
        switch event {
        case .headersReceived(let id, let fields, let endStream):
            if slots[id] != nil {
                slots[id]?.deliver(.headers(fields, endStream: endStream))
            } else if engine.role == .server, case .active = phase, let incoming {
                slots[id] = StreamSlot()
                incoming.yield(IncomingStream(id: id, headers: fields, endStream: endStream))
            } else if engine.role == .server {
                // No handler will ever take it (the peer's GOAWAY made us drain): refuse it, so it
                // neither hangs nor counts against the peer's concurrent streams.
                refuse(id)
            }
        case .trailersReceived(let id, let fields):
            slots[id]?.deliver(.trailers(fields))
        case .dataReceived(let id, let data, let endStream):
            if slots[id] != nil {
                slots[id]?.deliver(.data(data, endStream: endStream))
            } else {
                // Nobody will read it: give the window back at once.
                engine.acknowledgeReceivedData(streamID: id, byteCount: data.count)
            }
        case .streamClosed(let id, let reason):
            slots[id]?.deliver(.closed(reason))
            if reason != .finished, let onAbort = slots[id]?.onAbort {
                slots[id]?.onAbort = nil
                pendingCallbacks.append(onAbort)
            }
            wakeCapacityWaiters()
        case .windowUpdated:
            break
        case .settingsReceived:
            peerSettingsReceived = true
            if engine.unacknowledgedSettingsCount == 0 { handshakeDeadline = nil }
            wakeCapacityWaiters()
        case .settingsAcknowledged:
            if peerSettingsReceived { handshakeDeadline = nil }
        case .pingReceived:
            judgePing(at: now, logger: logger)
        case .pingAcknowledged(let data):
            if case .awaitingAck(data: data, sentAt: _)? = keepalive?.state {
                logger.debug("grpc keepalive ping acknowledged")
            }
            keepalive?.receivedPingAck(data, at: now)
        case .goAwayReceived(_, let code, let debugData):
            if code == .enhanceYourCalm && debugData == PingAbusePolicy.goAwayDebugData {
                peerComplainedAboutPings = true
            }
            if code != .noError {
                // An error GOAWAY means the peer is terminating the connection (RFC 9113 §6.8):
                // close our side too instead of waiting for its socket to go.
                close(after: GRPCStatus(.unavailable, "the peer closed the connection with \(code)"))
            } else if case .active = phase {
                phase = .draining
            }
            wakeCapacityWaiters()
        }
    }

    private mutating func refuse(_ id: StreamID) {
        do {
            try engine.resetStream(streamID: id, code: .refusedStream)
        } catch {
            // Already closed by the peer's own END_STREAM or reset: nothing to refuse.
        }
    }

    private mutating func judgePing(at now: Duration, logger: Logger) {
        guard var policy = pingPolicy else { return }
        let verdict = policy.receivedPing(at: now, hasActiveCalls: hasActiveCalls)
        pingPolicy = policy
        switch verdict {
        case .accepted:
            logger.debug("grpc ping received")
        case .struck(let strikes):
            logger.debug("grpc ping received too soon", metadata: ["grpc.ping_strikes": "\(strikes)"])
        case .tooManyPings:
            logger.notice("grpc connection closed: too many pings")
            engine.goAway(code: .enhanceYourCalm, debugData: PingAbusePolicy.goAwayDebugData)
            close(after: GRPCStatus(.unavailable, "connection closed: the peer sent too many pings"), lingering: true)
        }
    }

    // MARK: Outbound bookkeeping

    /// We sent headers or data: the peer may ping again (PingAbusePolicy).
    mutating func sentHeadersOrData() {
        pingPolicy?.sentHeadersOrData()
    }

    /// Wakes the writer when there is something for it: bytes, or the end of the connection.
    mutating func wakeWriterIfNeeded() {
        guard let waiter = writerWaiter else { return }
        if let output = takeOutput() {
            writerWaiter = nil
            waiter.resume(returning: output)
        } else if isFinished {
            writerWaiter = nil
            waiter.resume(returning: nil)
        }
    }

    /// Bytes for the socket, nil when there are none. Moving DATA into the output frees room in
    /// stream queues, so waiting senders are looked at, and pending resets are sent.
    mutating func takeOutput() -> [UInt8]? {
        // Resets whose stream's last bytes are already in the output go right behind them.
        sendPendingResets()
        guard engine.hasDataToSend else { return nil }
        var output = engine.dataToSend()
        sendPendingResets()
        if engine.hasDataToSend {
            output += engine.dataToSend()
        }
        wakeSenders()
        return output.isEmpty ? nil : output
    }

    /// True when the writer has nothing left to do and the socket can close.
    var isFinished: Bool {
        switch phase {
        case .active: false
        case .draining: engine.isDrained && !engine.hasDataToSend
        case .closing, .closed: !engine.hasDataToSend
        }
    }

    private mutating func sendPendingResets() {
        for (id, code) in pendingResets where !engine.hasQueuedOutput(streamID: id) {
            pendingResets[id] = nil
            do {
                try engine.resetStream(streamID: id, code: code)
            } catch {
                // The stream closed meanwhile (the peer finished its side too): nothing to reset.
            }
        }
    }

    private mutating func wakeSenders() {
        for id in streamsAwaitingSendRoom where engine.bufferedOutboundByteCount(streamID: id) <= highWaterMark {
            streamsAwaitingSendRoom.remove(id)
            let waiter = slots[id]?.sendWaiter
            slots[id]?.sendWaiter = nil
            waiter?.resume()
        }
    }

    mutating func wakeCapacityWaiters() {
        let waiters = capacityWaiters
        capacityWaiters.removeAll()
        for waiter in waiters {
            waiter.resume()
        }
    }

    // MARK: Closing

    mutating func readerEnded() {
        hasReaderEnded = true
        lingerWaiter?.resume()
        lingerWaiter = nil
    }

    mutating func stopAwaitingReaderEnd() {
        lingerWaiter?.resume()
        lingerWaiter = nil
    }

    mutating func awaitReaderEnd(_ continuation: CheckedContinuation<Void, Never>) {
        if hasReaderEnded || Task.isCancelled {
            continuation.resume()
        } else {
            lingerWaiter = continuation
        }
    }

    /// Flush what is queued, then close; every call still here fails with `status`.
    mutating func close(after status: GRPCStatus, lingering: Bool = false) {
        switch phase {
        case .active, .draining: phase = .closing(status, lingers: lingering)
        case .closing, .closed: return
        }
        failAllCalls(with: status)
    }

    /// The socket is gone.
    mutating func markClosed(_ status: GRPCStatus) {
        let final = phase.terminalStatus ?? status
        phase = .closed(final)
        failAllCalls(with: final)
        if let waiter = writerWaiter {
            writerWaiter = nil
            waiter.resume(returning: nil)
        }
    }

    private mutating func failAllCalls(with status: GRPCStatus) {
        for id in Array(slots.keys) {
            slots[id]?.fail(with: status)
            if let onAbort = slots[id]?.onAbort {
                slots[id]?.onAbort = nil
                pendingCallbacks.append(onAbort)
            }
        }
        let waiters = capacityWaiters
        capacityWaiters.removeAll()
        for waiter in waiters {
            waiter.resume(throwing: status)
        }
        incoming?.finish()
        incoming = nil
    }
}

/// A stream the peer opened (server side): its request headers, for the server to route.
struct IncomingStream: Sendable {
    let id: StreamID
    let headers: [HeaderField]
    let endStream: Bool
}
