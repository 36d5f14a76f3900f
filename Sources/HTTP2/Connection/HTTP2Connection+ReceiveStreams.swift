/// Received HEADERS and DATA: opening streams, message rules (RFC 9113 §8.1), inbound flow control.
extension HTTP2Connection {
    mutating func receiveHeaders(_ headers: HeadersPayload, on id: StreamID, into events: inout [HTTP2Event])
        throws(HTTP2Error)
    {
        // Decode before anything else, whatever becomes of the stream, so the
        // tables stay in step with the peer's encoder (RFC 9113 §4.3).
        let fields = try decodeHeaderBlock(headers.fieldBlock)
        switch lookup(id) {
        case .idle where !isLocallyInitiated(id):
            try openPeerStream(id, headers, fields, into: &events)
            return
        case .idle:
            throw .connection(.protocolError, "HEADERS on stream \(id), which we never opened")
        case .forgotten where !isLocallyInitiated(id):
            // §5.1.1: a new stream id must exceed every id the peer used before.
            throw .connection(.protocolError, "HEADERS on stream \(id), not above \(highestPeerStreamID)")
        case .active, .closed, .forgotten:
            break
        }
        guard try admitReceived(.receiveHeaders, on: id), let stream = streams[id] else { return }
        guard let fields else { throw .stream(id, .enhanceYourCalm, "header list above our limit") }
        guard headers.priority?.dependency != id else { throw .stream(id, .protocolError, "stream depends on itself") }

        switch stream.inboundMessage {
        case .awaitingHeaders:
            let kind: HeaderValidator.BlockKind = role == .client ? .response : .request
            if let reason = HeaderValidator.violation(in: fields, kind: kind) {
                throw .stream(id, .protocolError, "malformed headers: \(reason)")
            }
            if kind == .response && HeaderValidator.responseKind(of: fields) == .informational {
                guard !headers.endStream else { throw .stream(id, .protocolError, "1xx response with END_STREAM") }
            } else {
                streams[id]?.inboundMessage = .awaitingBodyOrTrailers
            }
            events.append(.headersReceived(streamID: id, fields: fields, endStream: headers.endStream))
        case .awaitingBodyOrTrailers:
            guard headers.endStream else { throw .stream(id, .protocolError, "trailers without END_STREAM") }
            if let reason = HeaderValidator.violation(in: fields, kind: .trailers) {
                throw .stream(id, .protocolError, "malformed trailers: \(reason)")
            }
            events.append(.trailersReceived(streamID: id, fields: fields))
        }
        if headers.endStream {
            try receiveEndStream(on: id, into: &events)
        }
    }

    /// HPACK failures are connection errors (COMPRESSION_ERROR); nil means the list was over our limit.
    private mutating func decodeHeaderBlock(_ block: [UInt8]) throws(HTTP2Error) -> [HeaderField]? {
        do {
            return try hpackDecoder.decode(block, maxHeaderListSize: Int(configuration.maxHeaderListSize))
        } catch {
            if case .headerListTooLarge = error { return nil }
            throw .connection(.compressionError, "HPACK: \(error)")
        }
    }

    /// A request opening a new stream. Refusals answer with RST_STREAM and report nothing,
    /// since the caller never saw the stream.
    private mutating func openPeerStream(
        _ id: StreamID, _ headers: HeadersPayload, _ fields: [HeaderField]?, into events: inout [HTTP2Event]
    ) throws(HTTP2Error) {
        guard role == .server else {
            throw .connection(.protocolError, "server-initiated stream \(id) without push")
        }
        highestPeerStreamID = id
        if let lastStreamID = goAwaySentLastStreamID, id > lastStreamID {
            // §6.8: after our GOAWAY, newer streams are ignored; the peer knows to retry them.
            closedStreams.remember(id, closedBy: .sentReset)
            return
        }
        guard let fields else { return try refuse(id, .enhanceYourCalm) }
        guard headers.priority?.dependency != id,
            HeaderValidator.violation(in: fields, kind: .request) == nil
        else { return try refuse(id, .protocolError) }
        if activePeerStreamCount >= Int(localSettings.acknowledged.maxConcurrentStreams ?? .max) {
            // Refusing is free for the peer to provoke, so it spends the reset budget (CVE-2023-44487).
            try floodGuard.recordReset(at: now)
            return try refuse(id, .refusedStream)
        }
        var stream = HTTP2Stream(
            id: id, state: .open, outboundWindowSize: Int(remoteSettings.initialWindowSize),
            inboundWindowSize: Int(localSettings.acknowledged.initialWindowSize))
        stream.inboundMessage = .awaitingBodyOrTrailers
        streams[id] = stream
        events.append(.headersReceived(streamID: id, fields: fields, endStream: headers.endStream))
        if headers.endStream {
            try receiveEndStream(on: id, into: &events)
        }
    }

    private mutating func refuse(_ id: StreamID, _ code: HTTP2ErrorCode) throws(HTTP2Error) {
        try floodGuard.recordQueuedControlFrame()
        write(Frame(streamID: id, payload: .rstStream(code)))
        closedStreams.remember(id, closedBy: .sentReset)
    }

    private mutating func receiveEndStream(on id: StreamID, into events: inout [HTTP2Event]) throws(HTTP2Error) {
        guard try admitReceived(.receiveEndStream, on: id) else { return }
        guard streams[id]?.state.closedBy != nil else { return }
        events.append(.streamClosed(streamID: id, reason: .finished))
        retireIfFinished(id)
    }

    mutating func receiveData(_ data: DataPayload, on id: StreamID, into events: inout [HTTP2Event])
        throws(HTTP2Error)
    {
        let length = data.flowControlledLength
        guard inboundConnectionFlow.receive(length) else {
            throw .connection(.flowControlError, "DATA of \(length) bytes exceeds the connection window")
        }
        if data.data.isEmpty && !data.endStream {
            try floodGuard.recordEmptyFrame(at: now)
        }
        let admitted: Bool
        do {
            admitted = try admitReceived(.receiveData, on: id)
        } catch {
            // Bytes on a dead stream still used the connection window; give them back (§6.9).
            creditConnection(length)
            throw error
        }
        guard admitted, let stream = streams[id] else { return creditConnection(length) }
        guard streams[id]?.inboundFlow.receive(length) == true else {
            creditConnection(length)
            throw .stream(id, .flowControlError, "DATA of \(length) bytes exceeds the stream window")
        }
        guard stream.inboundMessage == .awaitingBodyOrTrailers else {
            creditConnection(length)
            throw .stream(id, .protocolError, "DATA before final HEADERS")
        }
        // Padding is never delivered, so it is consumed at once.
        let delivered = data.data.count
        credit(length - delivered, on: id)
        events.append(.dataReceived(streamID: id, data: data.data, endStream: data.endStream))
        if configuration.inboundFlowControl == .automatic {
            credit(delivered, on: id)
        }
        if data.endStream {
            try receiveEndStream(on: id, into: &events)
        }
    }

    /// Consumed bytes on a stream and on the connection; sends WINDOW_UPDATE frames when due.
    mutating func credit(_ byteCount: Int, on id: StreamID) {
        guard byteCount > 0 else { return }
        if let increment = streams[id]?.inboundFlow.consume(byteCount), streamCanStillReceive(id) {
            write(Frame(streamID: id, payload: .windowUpdate(increment: increment)))
        }
        creditConnection(byteCount)
    }

    mutating func creditConnection(_ byteCount: Int) {
        if let increment = inboundConnectionFlow.consume(byteCount) {
            write(Frame(streamID: .connection, payload: .windowUpdate(increment: increment)))
        }
    }

    /// A WINDOW_UPDATE is pointless once the peer has ended its side.
    private func streamCanStillReceive(_ id: StreamID) -> Bool {
        switch streams[id]?.state {
        case .open, .halfClosedLocal, .reservedRemote: true
        case .idle, .reservedLocal, .halfClosedRemote, .closed, nil: false
        }
    }
}
