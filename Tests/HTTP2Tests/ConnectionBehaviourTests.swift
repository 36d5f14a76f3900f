import Testing

@testable import HTTP2

@Suite("Connection behaviour")
struct ConnectionBehaviourTests {
    @Test("a client queues the preface, its SETTINGS with push disabled, and a connection WINDOW_UPDATE")
    func clientPreface() throws {
        var client = try HTTP2Connection(role: .client)
        let bytes = client.dataToSend()
        #expect(Array(bytes.prefix(24)) == FrameDecoder.clientPreface)
        let frames = try decodeFrames(bytes, startsWithPreface: true)
        guard case .settings(.values(let settings)) = frames.first?.payload else {
            Issue.record("first frame is not SETTINGS")
            return
        }
        #expect(settings.contains(HTTP2Setting(.enablePush, 0)))
        #expect(settings.contains(HTTP2Setting(.maxConcurrentStreams, 100)))
        #expect(frames.dropFirst().first?.payload == .windowUpdate(increment: (1 << 20) - 65_535))
    }

    @Test("an invalid configuration is refused with the rule it breaks")
    func invalidConfiguration() {
        var configuration = HTTP2Configuration()
        configuration.maxFrameSize = 100
        #expect(throws: HTTP2UsageError.invalidConfiguration("maxFrameSize in 16384...16777215")) {
            try HTTP2Connection(role: .server, configuration: configuration)
        }
    }

    @Test("the peer's SETTINGS are applied and acknowledged")
    func settingsAcknowledged() throws {
        var peer = try Peer.server()
        let settings = [HTTP2Setting(.initialWindowSize, 1_000), HTTP2Setting(.unknown(0xfe), 7)]
        let events = try peer.connection.receive(peer.factory.settings(settings))
        #expect(events == [.settingsReceived(settings)])
        #expect(try peer.sentFrames() == [Frame(streamID: 0, payload: .settings(.ack))])
        #expect(peer.connection.remoteSettings.initialWindowSize == 1_000)
    }

    @Test("hasQueuedOutput stays true while trailers wait behind flow control, so a reset can wait for them")
    func queuedOutputUntilTrailersLeave() throws {
        var peer = try Peer.server()
        _ = try peer.connection.receive(peer.factory.settings([HTTP2Setting(.initialWindowSize, 10)]))
        _ = try peer.connection.receive(peer.factory.headers(1))
        _ = peer.connection.dataToSend()
        #expect(!peer.connection.hasQueuedOutput(streamID: 1))
        try peer.connection.sendHeaders(streamID: 1, headers: FrameFactory.response)
        try peer.connection.sendData(streamID: 1, Array(repeating: 1, count: 20))
        try peer.connection.sendTrailers(streamID: 1, headers: [HeaderField("grpc-status", "0")])
        _ = peer.connection.dataToSend()
        #expect(peer.connection.hasQueuedOutput(streamID: 1), "10 bytes and the trailers wait for window")
        _ = try peer.connection.receive(peer.factory.windowUpdate(1, 10))
        _ = peer.connection.dataToSend()
        #expect(!peer.connection.hasQueuedOutput(streamID: 1))
        #expect(!peer.connection.hasQueuedOutput(streamID: 99), "unknown streams have nothing queued")
    }

    @Test("a lower INITIAL_WINDOW_SIZE can make a stream's send window negative, and DATA waits")
    func negativeWindow() throws {
        var peer = try Peer.server()
        _ = try peer.connection.receive(peer.factory.headers(1))
        try peer.connection.sendHeaders(streamID: 1, headers: FrameFactory.response)
        try peer.connection.sendData(streamID: 1, Array(repeating: 1, count: 1_000))
        _ = peer.connection.dataToSend()
        _ = try peer.connection.receive(peer.factory.settings([HTTP2Setting(.initialWindowSize, 100)]))
        #expect(peer.connection.outboundWindow(streamID: 1) == 100 - 1_000)
        try peer.connection.sendData(streamID: 1, [2, 3])
        #expect(
            try peer.sentFrames().filter { if case .data = $0.payload { return true } else { return false } }.isEmpty)
        _ = try peer.connection.receive(peer.factory.windowUpdate(1, 902))
        let data = try peer.sentFrames().compactMap { frame -> [UInt8]? in
            if case .data(let payload) = frame.payload { return payload.data }
            return nil
        }
        #expect(data == [[2, 3]])
    }

    @Test("with manual flow control, WINDOW_UPDATE waits until the application consumes half a window")
    func manualFlowControl() throws {
        var configuration = HTTP2Configuration()
        configuration.inboundFlowControl = .manual
        var peer = try Peer.server(configuration)
        let body = (0..<4).flatMap { _ in peer.factory.data(1, Array(repeating: 0, count: 10_000)) }
        _ = try peer.connection.receive(peer.factory.headers(1) + body)
        #expect(try peer.sentFrames().isEmpty)
        peer.connection.acknowledgeReceivedData(streamID: 1, byteCount: 20_000)
        #expect(try peer.sentFrames().isEmpty, "20,000 is less than half the stream window")
        peer.connection.acknowledgeReceivedData(streamID: 1, byteCount: 20_000)
        let updates = try peer.sentFrames().map(\.payload)
        #expect(updates == [.windowUpdate(increment: 40_000)])
    }

    @Test("padding is returned to the windows at once, even with manual flow control")
    func paddingCredited() throws {
        var configuration = HTTP2Configuration()
        configuration.inboundFlowControl = .manual
        var peer = try Peer.server(configuration)
        // 130 frames of 1 data byte and 256 bytes of padding (the Pad Length octet + 255).
        let padded = (0..<130).flatMap { _ in peer.factory.data(1, [1], padding: 255) }
        _ = try peer.connection.receive(peer.factory.headers(1) + padded)
        // Half the 65,535 window is reached after 128 frames: 128 * 256 bytes of padding.
        #expect(try peer.sentFrames().map(\.payload) == [.windowUpdate(increment: 32_768)])
    }

    @Test("a PING flood the caller does not drain ends with ENHANCE_YOUR_CALM")
    func pingFlood() throws {
        var configuration = HTTP2Configuration()
        configuration.limits.maxQueuedControlFrames = 50
        var peer = try Peer.server(configuration)
        let pings = (0..<51).flatMap { peer.factory.ping(UInt64($0)) }
        guard case .failure(let error) = peer.feed(pings) else {
            Issue.record("flood accepted")
            return
        }
        #expect(error.code == .enhanceYourCalm)
    }

    @Test("PINGs are fine when the caller drains the answers")
    func pingsDrained() throws {
        var configuration = HTTP2Configuration()
        configuration.limits.maxQueuedControlFrames = 50
        var peer = try Peer.server(configuration)
        for round in 0..<10 {
            let pings = (0..<40).flatMap { peer.factory.ping(UInt64(round * 40 + $0)) }
            _ = try peer.connection.receive(pings)
            #expect(try peer.sentFrames().count == 40)
        }
    }

    @Test("rapid reset: opening and cancelling streams past the budget ends with ENHANCE_YOUR_CALM")
    func rapidReset() throws {
        var configuration = HTTP2Configuration()
        configuration.limits.maxResetsPerInterval = 20
        var peer = try Peer.server(configuration)
        var bytes: [UInt8] = []
        for index in 0..<21 {
            let id = StreamID(UInt32(2 * index + 1))
            bytes += peer.factory.headers(id) + peer.factory.rstStream(id)
        }
        guard case .failure(let error) = peer.feed(bytes) else {
            Issue.record("rapid reset accepted")
            return
        }
        #expect(error.code == .enhanceYourCalm)
    }

    @Test("resets spread over time stay within the budget")
    func resetsOverTime() throws {
        var configuration = HTTP2Configuration()
        configuration.limits.maxResetsPerInterval = 20
        configuration.limits.floodInterval = .seconds(10)
        var peer = try Peer.server(configuration)
        for index in 0..<60 {
            let id = StreamID(UInt32(2 * index + 1))
            let now = Duration.seconds(index)  // one reset per second, 10 per interval
            _ = try peer.connection.receive(peer.factory.headers(id) + peer.factory.rstStream(id), at: now)
        }
        #expect(peer.connection.state == .open)
    }

    @Test("streams beyond our SETTINGS_MAX_CONCURRENT_STREAMS are refused with REFUSED_STREAM")
    func refusedStream() throws {
        var configuration = HTTP2Configuration()
        configuration.maxConcurrentStreams = 1
        var peer = try Peer.server(configuration)
        let events = try peer.connection.receive(peer.factory.headers(1) + peer.factory.headers(3))
        #expect(events.count == 1)
        #expect(try peer.sentFrames() == [Frame(streamID: 3, payload: .rstStream(.refusedStream))])
        // The refused block was still decoded: the next block, which may index into it, decodes.
        let trailers = [HeaderField("grpc-status", "0")]
        #expect(
            try peer.connection.receive(peer.factory.headers(1, trailers, endStream: true)) == [
                .trailersReceived(streamID: 1, fields: trailers)
            ])
    }

    @Test("an empty DATA flood ends with ENHANCE_YOUR_CALM")
    func emptyFrameFlood() throws {
        var configuration = HTTP2Configuration()
        configuration.limits.maxEmptyFramesPerInterval = 10
        var peer = try Peer.server(configuration)
        let bytes = peer.factory.headers(1) + (0..<11).flatMap { _ in peer.factory.data(1, []) }
        guard case .failure(let error) = peer.feed(bytes) else {
            Issue.record("flood accepted")
            return
        }
        #expect(error.code == .enhanceYourCalm)
    }

    @Test("unknown frame types and unknown error codes pass through unharmed")
    func unknownsIgnored() throws {
        var peer = try Peer.server()
        let bytes =
            peer.factory.raw(type: 0xbb, streamID: 0, payload: [1, 2]) + peer.factory.headers(1)
            + peer.factory.rstStream(1, .unknown(0x1234))
        let events = try peer.connection.receive(bytes)
        #expect(events.last == .streamClosed(streamID: 1, reason: .resetByPeer(.unknown(0x1234))))
        #expect(HTTP2ErrorCode(rawValue: 0x1234).rawValue == 0x1234)
    }

    @Test("frames that arrive after we reset a stream are ignored")
    func lateFramesAfterOurReset() throws {
        var peer = try Peer.server()
        _ = try peer.connection.receive(peer.factory.headers(1))
        try peer.connection.resetStream(streamID: 1)
        _ = peer.connection.dataToSend()
        let events = try peer.connection.receive(
            peer.factory.data(1, [1, 2, 3]) + peer.factory.headers(1, [HeaderField("a", "b")], endStream: true))
        #expect(events.isEmpty)
        #expect(try peer.sentFrames().allSatisfy { $0.streamID == 0 }, "only connection window credit is sent")
    }

    @Test("sending before headers, or after ending the stream, is a usage error that changes nothing")
    func usageErrors() throws {
        var peer = try Peer.server()
        _ = try peer.connection.receive(peer.factory.headers(1, endStream: true))
        #expect(throws: HTTP2UsageError.headersNotSent(1)) { try peer.connection.sendData(streamID: 1, [1]) }
        #expect(throws: HTTP2UsageError.invalidHeader("invalid character in field name")) {
            try peer.connection.sendHeaders(
                streamID: 1, headers: [HeaderField(":status", "200"), HeaderField("Bad", "x")])
        }
        try peer.connection.sendHeaders(streamID: 1, headers: FrameFactory.response, endStream: true)
        #expect(throws: HTTP2UsageError.unknownStream(1)) { try peer.connection.sendData(streamID: 1, [1]) }
        #expect(throws: HTTP2UsageError.serverCannotOpenStreams) {
            try peer.connection.openStream(headers: FrameFactory.request)
        }
    }

    @Test("resetting a stream we ended while its tail is still queued sends RST_STREAM and drops the tail")
    func resetQueuedTail() throws {
        var peer = try Peer.server()
        _ = try peer.connection.receive(peer.factory.headers(1, endStream: true))
        try peer.connection.sendHeaders(streamID: 1, headers: FrameFactory.response)
        try peer.connection.sendData(streamID: 1, Array(repeating: 0, count: 100_000), endStream: true)
        _ = peer.connection.dataToSend()
        #expect(peer.connection.bufferedOutboundByteCount(streamID: 1) > 0)
        try peer.connection.resetStream(streamID: 1, code: .cancel)
        #expect(try peer.sentFrames() == [Frame(streamID: 1, payload: .rstStream(.cancel))])
        #expect(peer.connection.streamState(1) == .closed(by: .sentReset))
        #expect(peer.connection.streamCount == 0)
    }
}
