/// Dispatch of received frames, and the connection-level frames: SETTINGS, PING,
/// GOAWAY, WINDOW_UPDATE, RST_STREAM, PRIORITY and unknown types.
extension HTTP2Connection {
    mutating func process(_ frame: Frame, into events: inout [HTTP2Event]) throws(HTTP2Error) {
        switch ConnectionStateMachine.transition(from: state, on: ConnectionInput(receiving: frame.payload)) {
        case .moved(let next): state = next
        case .ignored, .rejectedLocally: return
        case .connectionError(let code):
            throw .connection(code, "the first frame from the peer must be SETTINGS")
        }
        let id = frame.streamID
        switch frame.payload {
        case .data(let data): try receiveData(data, on: id, into: &events)
        case .headers(let headers): try receiveHeaders(headers, on: id, into: &events)
        case .priority(let priority): try receivePriority(priority, on: id)
        case .rstStream(let code): try receiveReset(code, on: id, into: &events)
        case .settings(.values(let settings)): try receiveSettings(settings, into: &events)
        case .settings(.ack): receiveSettingsAck(into: &events)
        case .pushPromise:
            // We always send ENABLE_PUSH=0 (client) and servers never receive pushes (§8.4).
            throw .connection(.protocolError, "PUSH_PROMISE received but push is disabled")
        case .ping(let ping): try receivePing(ping, into: &events)
        case .goAway(let goAway): receiveGoAway(goAway, into: &events)
        case .windowUpdate(let increment): try receiveWindowUpdate(increment, on: id, into: &events)
        case .continuation:
            throw .connection(.protocolError, "CONTINUATION without an open header block")
        case .unknown:
            // RFC 9113 §4.1: unknown types are ignored, but still count as frames that do nothing.
            try floodGuard.recordEmptyFrame(at: now)
        }
    }

    private mutating func receiveSettings(_ settings: [HTTP2Setting], into events: inout [HTTP2Event])
        throws(HTTP2Error)
    {
        for setting in settings {
            if let (code, reason) = HTTP2Settings.violation(of: setting, sentByServer: role == .client) {
                throw .connection(code, reason)
            }
        }
        for setting in settings {
            let oldWindow = Int(remoteSettings.initialWindowSize)
            remoteSettings.apply(setting)
            switch setting.identifier {
            case .initialWindowSize:
                try shiftOutboundStreamWindows(by: Int(setting.value) - oldWindow)
            case .headerTableSize:
                hpackEncoder.setMaxDynamicTableSize(min(Int(setting.value), configuration.maxEncoderHeaderTableSize))
            case .enablePush, .maxConcurrentStreams, .maxFrameSize, .maxHeaderListSize, .enableConnectProtocol,
                .unknown:
                break
            }
        }
        try floodGuard.recordQueuedControlFrame()
        write(Frame(streamID: .connection, payload: .settings(.ack)))
        events.append(.settingsReceived(settings))
    }

    /// RFC 9113 §6.9.2: a new initial window size shifts every stream's send window.
    private mutating func shiftOutboundStreamWindows(by delta: Int) throws(HTTP2Error) {
        for id in streams.keys {
            guard streams[id]?.outboundWindow.adjust(by: delta) == true else {
                throw .connection(.flowControlError, "INITIAL_WINDOW_SIZE change overflows stream \(id)'s window")
            }
        }
    }

    /// Our SETTINGS are in force from the peer's ACK on (§6.5.3). An ACK we never
    /// asked for is ignored: it changes nothing.
    private mutating func receiveSettingsAck(into events: inout [HTTP2Event]) {
        guard let settings = localSettings.acknowledgeOldest() else { return }
        let inForce = localSettings.acknowledged
        for setting in settings {
            switch setting.identifier {
            case .maxFrameSize: frameDecoder.maxFrameSize = Int(inForce.maxFrameSize)
            case .headerTableSize: hpackDecoder.setMaxAllowedTableSize(Int(inForce.headerTableSize))
            case .initialWindowSize:
                for id in streams.keys {
                    streams[id]?.inboundFlow.changeInitialSize(to: Int(inForce.initialWindowSize))
                }
            case .enablePush, .maxConcurrentStreams, .maxHeaderListSize, .enableConnectProtocol, .unknown:
                break
            }
        }
        events.append(.settingsAcknowledged(settings))
    }

    private mutating func receivePing(_ ping: PingPayload, into events: inout [HTTP2Event]) throws(HTTP2Error) {
        if ping.ack {
            events.append(.pingAcknowledged(ping.data))
            return
        }
        try floodGuard.recordQueuedControlFrame()
        write(Frame(streamID: .connection, payload: .ping(PingPayload(data: ping.data, ack: true))))
        events.append(.pingReceived(ping.data))
    }

    /// Streams we opened above the peer's last stream id were never processed (§6.8): close them.
    private mutating func receiveGoAway(_ goAway: GoAwayPayload, into events: inout [HTTP2Event]) {
        // A later GOAWAY may only lower the id (§6.8); keep the lowest seen.
        let lastStreamID = min(goAwayReceivedLastStreamID ?? goAway.lastStreamID, goAway.lastStreamID)
        goAwayReceivedLastStreamID = lastStreamID
        events.append(.goAwayReceived(lastStreamID: lastStreamID, code: goAway.errorCode, debugData: goAway.debugData))
        let unprocessed = streams.keys.filter { isLocallyInitiated($0) && $0 > lastStreamID }.sorted()
        for id in unprocessed {
            streams[id] = nil
            closedStreams.remember(id, closedBy: .receivedReset)
            events.append(.streamClosed(streamID: id, reason: .notProcessedByPeer))
        }
        scheduledStreams.removeAll { streams[$0] == nil }
    }

    private mutating func receiveWindowUpdate(_ increment: UInt32, on id: StreamID, into events: inout [HTTP2Event])
        throws(HTTP2Error)
    {
        if id.isConnection {
            guard increment > 0 else { throw .connection(.protocolError, "WINDOW_UPDATE of 0 on the connection") }
            guard outboundConnectionWindow.increase(by: increment) else {
                throw .connection(.flowControlError, "connection window above 2^31-1")
            }
            events.append(.windowUpdated(streamID: id, increment: increment))
            return
        }
        // A stream we closed logically may still be sending its queued tail; it needs the window.
        guard try admitReceived(.receiveWindowUpdate, on: id) || streams[id] != nil else { return }
        guard increment > 0 else { throw .stream(id, .protocolError, "WINDOW_UPDATE of 0") }
        guard streams[id]?.outboundWindow.increase(by: increment) == true else {
            throw .stream(id, .flowControlError, "stream window above 2^31-1")
        }
        events.append(.windowUpdated(streamID: id, increment: increment))
    }

    private mutating func receiveReset(_ code: HTTP2ErrorCode, on id: StreamID, into events: inout [HTTP2Event])
        throws(HTTP2Error)
    {
        try floodGuard.recordReset(at: now)
        if try admitReceived(.receiveReset, on: id) {
            // The table moved the stream to closed(by: .receivedReset).
        } else if let stream = streams[id], !stream.queue.isEmpty {
            // We ended the stream, but its queued tail has not left: the peer will not take it.
            streams[id]?.state = .closed(by: .receivedReset)
        } else {
            return
        }
        streams[id]?.queue.removeAll()
        events.append(.streamClosed(streamID: id, reason: .resetByPeer(code)))
        retireIfFinished(id)
    }

    /// Priority signals are deprecated (RFC 9113 §5.3.2) and ignored once validated.
    private mutating func receivePriority(_ priority: PrioritySpec, on id: StreamID) throws(HTTP2Error) {
        try floodGuard.recordEmptyFrame(at: now)
        guard priority.dependency != id else {
            throw .stream(id, .protocolError, "stream depends on itself")
        }
        _ = try admitReceived(.receivePriority, on: id)
    }
}

extension ConnectionInput {
    init(receiving payload: FramePayload) {
        switch payload {
        case .settings(.values): self = .receiveSettings
        case .settings(.ack): self = .receiveSettingsAck
        case .ping: self = .receivePing
        case .goAway: self = .receiveGoAway
        case .windowUpdate: self = .receiveWindowUpdate
        case .unknown: self = .receiveUnknownFrame
        case .data, .headers, .priority, .rstStream, .pushPromise, .continuation: self = .receiveStreamFrame
        }
    }
}
