import Testing

@testable import HTTP2

@Suite("Client and server engines talking to each other")
struct InteractingEnginesTests {
    @Test("a request with a body gets a response with headers, body and trailers")
    func requestResponseWithTrailers() throws {
        var conversation = try Conversation()
        let id = try conversation.client.openStream(headers: FrameFactory.request)
        try conversation.client.sendData(streamID: id, Array("hello".utf8), endStream: true)
        var bodies: [StreamID: [UInt8]] = [:]
        try conversation.pump(server: { try echoServer(&$0, $1, bodies: &bodies) })

        #expect(
            conversation.serverEvents.contains(
                .headersReceived(streamID: id, fields: FrameFactory.request, endStream: false)))
        let clientStreamEvents = conversation.clientEvents.filter { $0.streamID == id }
        #expect(
            clientStreamEvents == [
                .headersReceived(
                    streamID: id,
                    fields: [HeaderField(":status", "200"), HeaderField("content-type", "application/grpc")],
                    endStream: false),
                .dataReceived(streamID: id, data: Array("hello".utf8), endStream: false),
                .trailersReceived(streamID: id, fields: [HeaderField("grpc-status", "0")]),
                .streamClosed(streamID: id, reason: .finished),
            ])
        #expect(conversation.client.streamCount == 0)
        #expect(conversation.server.streamCount == 0)
        #expect(conversation.client.streamState(id) == .closed(by: .receivedEndStream))
        #expect(conversation.server.streamState(id) == .closed(by: .sentEndStream))
    }

    @Test("an 8 MiB body crosses small windows in many frames and arrives intact")
    func largeBodyThroughFlowControl() throws {
        var small = HTTP2Configuration()
        small.initialStreamWindowSize = 20_000
        small.connectionWindowSize = 65_535
        var conversation = try Conversation(client: small, server: small)
        let body = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let id = try conversation.client.openStream(headers: FrameFactory.request)
        try conversation.client.sendData(streamID: id, body, endStream: true)
        #expect(conversation.client.bufferedOutboundByteCount(streamID: id) == body.count)

        var received: [UInt8] = []
        var dataFrames = 0
        var sawEnd = false
        try conversation.pump(
            server: { server, events in
                for case .dataReceived(_, let data, let endStream) in events {
                    received += data
                    dataFrames += 1
                    #expect(data.count <= 16_384, "no frame exceeds the peer's max frame size")
                    if endStream {
                        sawEnd = true
                        try server.sendHeaders(streamID: id, headers: FrameFactory.response, endStream: true)
                    }
                }
            }, keepEvents: false)
        #expect(received == body)
        #expect(sawEnd)
        #expect(dataFrames >= body.count / 16_384)
        #expect(conversation.client.streamCount == 0)
    }

    @Test("a response body queued behind small windows still flows after trailers end the stream")
    func largeResponseThenTrailers() throws {
        var small = HTTP2Configuration()
        small.initialStreamWindowSize = 10_000
        var conversation = try Conversation(client: small, server: small)
        let id = try conversation.client.openStream(headers: FrameFactory.request, endStream: true)
        let body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 >> 3) }
        try conversation.pump(
            server: { server, events in
                guard events.contains(.headersReceived(streamID: id, fields: FrameFactory.request, endStream: true))
                else { return }
                try server.sendHeaders(streamID: id, headers: FrameFactory.response)
                try server.sendData(streamID: id, body)
                try server.sendTrailers(streamID: id, headers: [HeaderField("grpc-status", "0")])
                #expect(server.streamState(id) == .closed(by: .sentEndStream), "closed logically while data waits")
            }, keepEvents: true)
        let received = conversation.clientEvents.flatMap { event -> [UInt8] in
            if case .dataReceived(id, let data, _) = event { return data }
            return []
        }
        #expect(received == body)
        #expect(conversation.clientEvents.last == .streamClosed(streamID: id, reason: .finished))
        #expect(conversation.server.streamCount == 0)
    }

    @Test("200 concurrent streams all complete")
    func manyConcurrentStreams() throws {
        var serverConfiguration = HTTP2Configuration()
        serverConfiguration.maxConcurrentStreams = 250
        var conversation = try Conversation(server: serverConfiguration)
        try conversation.pump()  // settings exchange first, so the client knows the limit
        var ids: [StreamID] = []
        for index in 0..<200 {
            let id = try conversation.client.openStream(headers: FrameFactory.request)
            try conversation.client.sendData(streamID: id, Array("request \(index)".utf8), endStream: true)
            ids.append(id)
        }
        #expect(conversation.client.activeLocalStreamCount == 200)
        var bodies: [StreamID: [UInt8]] = [:]
        try conversation.pump(server: { try echoServer(&$0, $1, bodies: &bodies) })
        let finished = conversation.clientEvents.filter {
            if case .streamClosed(_, .finished) = $0 { return true }
            return false
        }
        #expect(finished.count == 200)
        for (index, id) in ids.enumerated() {
            let data = conversation.clientEvents.compactMap { event -> [UInt8]? in
                if case .dataReceived(id, let data, _) = event { return data }
                return nil
            }
            #expect(data.flatMap { $0 } == Array("request \(index)".utf8))
        }
    }

    @Test("the peer's SETTINGS_MAX_CONCURRENT_STREAMS stops the client from opening more")
    func clientRespectsConcurrencyLimit() throws {
        var serverConfiguration = HTTP2Configuration()
        serverConfiguration.maxConcurrentStreams = 2
        var conversation = try Conversation(server: serverConfiguration)
        try conversation.pump()
        _ = try conversation.client.openStream(headers: FrameFactory.request)
        _ = try conversation.client.openStream(headers: FrameFactory.request)
        #expect(throws: HTTP2UsageError.tooManyConcurrentStreams(limit: 2)) {
            try conversation.client.openStream(headers: FrameFactory.request)
        }
    }

    @Test("GOAWAY drains: open streams finish, no new stream opens, newer peer streams are ignored")
    func goAwayDrain() throws {
        var conversation = try Conversation()
        let first = try conversation.client.openStream(headers: FrameFactory.request)
        let second = try conversation.client.openStream(headers: FrameFactory.request)
        try conversation.pump()
        conversation.server.goAway()
        try conversation.pump()
        #expect(
            conversation.clientEvents.contains(.goAwayReceived(lastStreamID: second, code: .noError, debugData: [])))
        #expect(throws: HTTP2UsageError.goingAway) { try conversation.client.openStream(headers: FrameFactory.request) }

        // Existing streams still complete.
        var bodies: [StreamID: [UInt8]] = [:]
        for id in [first, second] {
            try conversation.client.sendData(streamID: id, [1], endStream: true)
        }
        try conversation.pump(server: { try echoServer(&$0, $1, bodies: &bodies) })
        #expect(conversation.client.isDrained)
        #expect(conversation.server.isDrained)

        // A stream above the last id is ignored by the server (RFC 9113 §6.8).
        var factory = FrameFactory()
        _ = factory.headers(1)
        _ = factory.headers(3)
        let events = try conversation.server.receive(factory.headers(5, endStream: true))
        #expect(events.isEmpty)
    }

    @Test("streams above the last id of a received GOAWAY close as not processed")
    func goAwayClosesUnprocessedStreams() throws {
        var conversation = try Conversation()
        let first = try conversation.client.openStream(headers: FrameFactory.request)
        try conversation.pump()
        let late = try conversation.client.openStream(headers: FrameFactory.request)
        let goAway = FrameFactory().goAway(lastStreamID: first)
        let events = try conversation.client.receive(goAway)
        #expect(events.contains(.streamClosed(streamID: late, reason: .notProcessedByPeer)))
        #expect(conversation.client.streamState(first) == .open)
    }

    @Test("a PING is answered and its ACK reported for keepalive")
    func ping() throws {
        var conversation = try Conversation()
        try conversation.client.ping(PingData(0xfeed))
        try conversation.pump()
        #expect(conversation.serverEvents.contains(.pingReceived(PingData(0xfeed))))
        #expect(conversation.clientEvents.contains(.pingAcknowledged(PingData(0xfeed))))
    }

    @Test("our settings take effect when the peer acknowledges them")
    func settingsAppliedOnAck() throws {
        var conversation = try Conversation()
        try conversation.pump()
        try conversation.server.updateSettings([HTTP2Setting(.maxFrameSize, 32_768)])
        #expect(conversation.server.unacknowledgedSettingsCount == 1)
        #expect(conversation.server.localSettingsInForce.maxFrameSize == 16_384)
        try conversation.pump()
        #expect(conversation.server.unacknowledgedSettingsCount == 0)
        #expect(conversation.server.localSettingsInForce.maxFrameSize == 32_768)
        #expect(conversation.serverEvents.contains(.settingsAcknowledged([HTTP2Setting(.maxFrameSize, 32_768)])))
        #expect(conversation.client.remoteSettings.maxFrameSize == 32_768)
    }

    @Test("a client reset reaches the server as a reset by the peer")
    func resetReachesPeer() throws {
        var conversation = try Conversation()
        let id = try conversation.client.openStream(headers: FrameFactory.request)
        try conversation.pump()
        try conversation.client.resetStream(streamID: id, code: .cancel)
        try conversation.pump()
        #expect(conversation.serverEvents.last == .streamClosed(streamID: id, reason: .resetByPeer(.cancel)))
        #expect(throws: HTTP2UsageError.unknownStream(id)) { try conversation.client.sendData(streamID: id, [1]) }
    }

    @Test("a header block larger than the peer's frame size goes out as HEADERS plus CONTINUATION")
    func largeHeadersUseContinuation() throws {
        var serverConfiguration = HTTP2Configuration()
        serverConfiguration.maxHeaderListSize = 65_536
        var conversation = try Conversation(server: serverConfiguration)
        try conversation.pump()
        let big =
            FrameFactory.request
            + (0..<20).map { HeaderField("x-meta-\($0)", String(repeating: "0123456789", count: 150)) }
        let id = try conversation.client.openStream(headers: big, endStream: true)
        let bytes = conversation.client.dataToSend()
        let frames = try decodeFrames(bytes)
        #expect(frames.count == 1, "the decoder joins the block")
        #expect(bytes.count > 16_384 + 9, "the block needed more than one frame")
        let events = try conversation.server.receive(bytes)
        #expect(events.contains(.headersReceived(streamID: id, fields: big, endStream: true)))
    }
}
