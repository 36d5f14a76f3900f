/// The outbound API. Each method checks everything before it changes anything,
/// so a thrown `HTTP2UsageError` leaves the connection (and its HPACK state) untouched.
extension HTTP2Connection {
    /// Opens the next client stream with its request headers.
    public mutating func openStream(headers: [HeaderField], endStream: Bool = false) throws(HTTP2UsageError)
        -> StreamID
    {
        try admitLocal(.sendHeaders)
        guard role == .client else { throw .serverCannotOpenStreams }
        guard goAwayReceivedLastStreamID == nil, goAwaySentLastStreamID == nil else { throw .goingAway }
        if let limit = remoteSettings.maxConcurrentStreams, activeLocalStreamCount >= Int(limit) {
            throw .tooManyConcurrentStreams(limit: limit)
        }
        guard nextLocalStreamID <= StreamID.maxValue.rawValue else { throw .streamIDsExhausted }
        try checkOutbound(headers, kind: .request)

        let id = StreamID(nextLocalStreamID)
        nextLocalStreamID += 2
        streams[id] = HTTP2Stream(
            id: id, state: .open, outboundWindowSize: Int(remoteSettings.initialWindowSize),
            inboundWindowSize: Int(localSettings.acknowledged.initialWindowSize))
        streams[id]?.outboundMessage = .headersSent
        writeHeaderBlock(headers, on: id, endStream: endStream)
        if endStream {
            streams[id]?.state = .halfClosedLocal
        }
        return id
    }

    /// Sends the initial (or a 1xx informational) header block of our message on an existing stream.
    public mutating func sendHeaders(streamID id: StreamID, headers: [HeaderField], endStream: Bool = false)
        throws(HTTP2UsageError)
    {
        try admitLocal(.sendHeaders)
        let stream = try existingStream(id)
        guard stream.outboundMessage == .awaitingHeaders else { throw .notAllowedInState(id, stream.state) }
        let kind: HeaderValidator.BlockKind = role == .client ? .request : .response
        try checkOutbound(headers, kind: kind)
        let informational = kind == .response && HeaderValidator.responseKind(of: headers) == .informational
        let next = try nextState(of: stream, after: .sendHeaders, endStream: endStream && !informational)
        if !informational {
            streams[id]?.outboundMessage = .headersSent
        }
        streams[id]?.state = next
        writeHeaderBlock(headers, on: id, endStream: endStream && !informational)
        retireIfFinished(id)
    }

    /// Queues body bytes; they leave in frames that fit the peer's windows and frame size
    /// as `dataToSend()` is called. `bufferedOutboundByteCount(streamID:)` shows what waits.
    public mutating func sendData(streamID id: StreamID, _ data: [UInt8], endStream: Bool = false)
        throws(HTTP2UsageError)
    {
        try admitLocal(.sendData)
        let stream = try existingStream(id)
        guard stream.outboundMessage == .headersSent else { throw .headersNotSent(id) }
        let next = try nextState(of: stream, after: .sendData, endStream: endStream)
        streams[id]?.state = next
        streams[id]?.queue.append(data)
        if endStream {
            streams[id]?.queue.finish(with: .endStream)
        }
        schedule(id)
    }

    /// Queues trailers after the queued body; they end the stream.
    public mutating func sendTrailers(streamID id: StreamID, headers: [HeaderField]) throws(HTTP2UsageError) {
        try admitLocal(.sendHeaders)
        let stream = try existingStream(id)
        guard stream.outboundMessage == .headersSent else { throw .headersNotSent(id) }
        try checkOutbound(headers, kind: .trailers)
        let next = try nextState(of: stream, after: .sendHeaders, endStream: true)
        streams[id]?.state = next
        streams[id]?.queue.finish(with: .trailers(headers))
        schedule(id)
    }

    /// Resets a stream (RST_STREAM) and drops its queued data. Resetting a closed stream does nothing.
    public mutating func resetStream(streamID id: StreamID, code: HTTP2ErrorCode = .cancel) throws(HTTP2UsageError) {
        try admitLocal(.sendReset)
        let stream = try existingStream(id)
        switch StreamStateMachine.transition(from: stream.state, on: .sendReset) {
        case .moved(let next):
            streams[id]?.state = next
        case .ignored, .rejectedLocally, .streamError, .connectionError:
            // Ended by us, but with a queued tail: cancelling it still needs RST_STREAM.
            guard !stream.queue.isEmpty else { return }
            streams[id]?.state = .closed(by: .sentReset)
        }
        streams[id]?.queue.removeAll()
        write(Frame(streamID: id, payload: .rstStream(code)))
        retireIfFinished(id)
    }

    /// Sends a PING; its ACK arrives as `.pingAcknowledged` with the same data (keepalive, RTT).
    public mutating func ping(_ data: PingData) throws(HTTP2UsageError) {
        try admitLocal(.sendPing)
        write(Frame(streamID: .connection, payload: .ping(PingPayload(data: data))))
    }

    /// Sends GOAWAY with the highest peer stream we processed: no new peer streams are
    /// accepted above it, and streams at or below it finish normally (graceful drain).
    public mutating func goAway(code: HTTP2ErrorCode = .noError, debugData: [UInt8] = []) {
        guard ConnectionStateMachine.transition(from: state, on: .sendGoAway) != .ignored else { return }
        let lastStreamID = goAwayLastStreamID
        goAwaySentLastStreamID = lastStreamID
        write(
            Frame(
                streamID: .connection,
                payload: .goAway(
                    GoAwayPayload(
                        lastStreamID: lastStreamID, errorCode: code, debugData: debugData))))
    }

    /// Announces new settings; each takes effect when the peer acknowledges it (`.settingsAcknowledged`).
    /// The shell should time the ACK out and close with SETTINGS_TIMEOUT (RFC 9113 §6.5.3).
    public mutating func updateSettings(_ settings: [HTTP2Setting]) throws(HTTP2UsageError) {
        try admitLocal(.sendSettings)
        for setting in settings where HTTP2Settings.violation(of: setting, sentByServer: role == .server) != nil {
            throw .invalidSetting(setting.identifier, setting.value)
        }
        guard localSettings.unacknowledged.count < configuration.limits.maxUnacknowledgedSettings else {
            throw .tooManyUnacknowledgedSettings
        }
        write(Frame(streamID: .connection, payload: .settings(.values(settings))))
        localSettings.sent(settings)
    }

    /// Reports received bytes the application has consumed (`.manual` flow control);
    /// WINDOW_UPDATE frames follow once half a window is consumed. Works on closed streams too.
    /// With `.automatic` flow control it has nothing left to do: reports are clamped to what is unreported.
    public mutating func acknowledgeReceivedData(streamID id: StreamID, byteCount: Int) {
        guard state != .closed else { return }
        credit(byteCount, on: id)
    }

    /// Our SETTINGS frames the peer has not acknowledged yet; a shell times these out.
    public var unacknowledgedSettingsCount: Int { localSettings.unacknowledged.count }

    /// Our settings in force (acknowledged by the peer).
    public var localSettingsInForce: HTTP2Settings { localSettings.acknowledged }

    /// Bytes queued on a stream that flow control has not let out yet.
    public func bufferedOutboundByteCount(streamID id: StreamID) -> Int {
        streams[id]?.queue.byteCount ?? 0
    }

    /// True while a stream still has DATA, END_STREAM or trailers queued that have not left
    /// (e.g. to reset a stream only after its trailers went out).
    public func hasQueuedOutput(streamID id: StreamID) -> Bool {
        streams[id].map { !$0.queue.isEmpty } ?? false
    }

    /// How many more DATA bytes the peer currently accepts on a stream (nil for unknown streams).
    public func outboundWindow(streamID id: StreamID) -> Int? {
        id.isConnection ? outboundConnectionWindow.size : streams[id]?.outboundWindow.size
    }

    /// Streams that are open, half-closed, or still sending queued data.
    public var streamCount: Int { streams.count }

    /// GOAWAY was sent or received and no stream is left: the shell may close the socket.
    public var isDrained: Bool {
        state == .closed || ((goAwaySentLastStreamID != nil || goAwayReceivedLastStreamID != nil) && streams.isEmpty)
    }

    // MARK: Helpers

    /// The GOAWAY last stream id: never above one we announced before.
    var goAwayLastStreamID: StreamID {
        min(goAwaySentLastStreamID ?? highestPeerStreamID, highestPeerStreamID)
    }

    private func admitLocal(_ input: ConnectionInput) throws(HTTP2UsageError) {
        switch ConnectionStateMachine.transition(from: state, on: input) {
        case .moved: return
        case .ignored, .rejectedLocally, .connectionError: throw .connectionClosed
        }
    }

    private func existingStream(_ id: StreamID) throws(HTTP2UsageError) -> HTTP2Stream {
        guard let stream = streams[id] else { throw .unknownStream(id) }
        return stream
    }

    /// The state after sending a frame (and END_STREAM when asked), or why it is not allowed.
    private func nextState(of stream: HTTP2Stream, after input: StreamInput, endStream: Bool)
        throws(HTTP2UsageError) -> StreamState
    {
        guard case .moved(var next) = StreamStateMachine.transition(from: stream.state, on: input) else {
            throw .notAllowedInState(stream.id, stream.state)
        }
        if endStream {
            guard case .moved(let ended) = StreamStateMachine.transition(from: next, on: .sendEndStream) else {
                throw .notAllowedInState(stream.id, stream.state)
            }
            next = ended
        }
        return next
    }

    private func checkOutbound(_ headers: [HeaderField], kind: HeaderValidator.BlockKind) throws(HTTP2UsageError) {
        if let reason = HeaderValidator.violation(in: headers, kind: kind) {
            throw .invalidHeader(reason)
        }
        if let limit = remoteSettings.maxHeaderListSize {
            let size = headers.reduce(0) { $0 + $1.size }
            guard size <= Int(limit) else { throw .headerListTooLarge(size: size, limit: limit) }
        }
    }

    /// Encodes a header block and splits it into HEADERS + CONTINUATION frames of the peer's max frame size.
    mutating func writeHeaderBlock(_ headers: [HeaderField], on id: StreamID, endStream: Bool) {
        let block = hpackEncoder.encode(headers)
        let maxFrame = Int(remoteSettings.maxFrameSize)
        var offset = min(block.count, maxFrame)
        write(
            Frame(
                streamID: id,
                payload: .headers(
                    HeadersPayload(
                        fieldBlock: Array(block[..<offset]), endStream: endStream, endHeaders: offset == block.count))))
        while offset < block.count {
            let end = min(block.count, offset + maxFrame)
            write(
                Frame(
                    streamID: id,
                    payload: .continuation(
                        ContinuationPayload(
                            fieldBlockFragment: Array(block[offset..<end]), endHeaders: end == block.count))))
            offset = end
        }
    }
}
