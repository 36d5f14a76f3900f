import Testing

@testable import HTTP2

/// One scenario per rule a peer can break, with the error code and scope RFC 9113 assigns.
@Suite("Protocol violations")
struct ProtocolViolationTests {
    enum Expected: Sendable {
        case connection(HTTP2ErrorCode)
        case stream(StreamID, HTTP2ErrorCode)
    }

    struct Violation: CustomTestStringConvertible, Sendable {
        var sentence: String
        var role: HTTP2Role = .server
        var configuration = HTTP2Configuration()
        var bytes: @Sendable (inout FrameFactory) -> [UInt8]
        var expected: Expected
        var testDescription: String { sentence }
    }

    static let violations: [Violation] = [
        Violation(sentence: "DATA on stream 0", bytes: { $0.data(0, [1]) }, expected: .connection(.protocolError)),
        Violation(
            sentence: "HEADERS on stream 0", bytes: { $0.headerBlock(0, block: [0x82]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "RST_STREAM on stream 0", bytes: { $0.rstStream(0) }, expected: .connection(.protocolError)),
        Violation(
            sentence: "PRIORITY on stream 0", bytes: { $0.priority(0, dependsOn: 1) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "CONTINUATION on stream 0", bytes: { $0.continuation(0, []) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "PING on a stream",
            bytes: { $0.raw(type: 6, streamID: 1, payload: Array(repeating: 0, count: 8)) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "SETTINGS on a stream", bytes: { $0.raw(type: 4, streamID: 1, payload: []) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "GOAWAY on a stream",
            bytes: { $0.raw(type: 7, streamID: 1, payload: Array(repeating: 0, count: 8)) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "DATA on an idle stream", bytes: { $0.data(1, [1]) }, expected: .connection(.protocolError)),
        Violation(
            sentence: "RST_STREAM on an idle stream", bytes: { $0.rstStream(1) }, expected: .connection(.protocolError)),
        Violation(
            sentence: "WINDOW_UPDATE on an idle stream", bytes: { $0.windowUpdate(1, 1) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "PING of 7 bytes",
            bytes: { $0.raw(type: 6, streamID: 0, payload: Array(repeating: 0, count: 7)) },
            expected: .connection(.frameSizeError)),
        Violation(
            sentence: "SETTINGS whose length is not a multiple of 6",
            bytes: { $0.raw(type: 4, streamID: 0, payload: [0, 1, 0, 0, 0]) }, expected: .connection(.frameSizeError)),
        Violation(
            sentence: "SETTINGS ACK with a payload",
            bytes: { $0.raw(type: 4, flags: 1, streamID: 0, payload: [0, 1, 0, 0, 0, 0]) },
            expected: .connection(.frameSizeError)),
        Violation(
            sentence: "WINDOW_UPDATE of 3 bytes", bytes: { $0.raw(type: 8, streamID: 0, payload: [0, 0, 1]) },
            expected: .connection(.frameSizeError)),
        Violation(
            sentence: "RST_STREAM of 5 bytes",
            bytes: { $0.headers(1) + $0.raw(type: 3, streamID: 1, payload: [0, 0, 0, 0, 8]) },
            expected: .connection(.frameSizeError)),
        Violation(
            sentence: "PRIORITY of 4 bytes costs only its stream",
            bytes: { $0.headers(1) + $0.raw(type: 2, streamID: 1, payload: [0, 0, 0, 0]) },
            expected: .stream(1, .frameSizeError)),
        Violation(
            sentence: "GOAWAY shorter than 8 bytes", bytes: { $0.raw(type: 7, streamID: 0, payload: [0, 0, 0, 0]) },
            expected: .connection(.frameSizeError)),
        Violation(
            sentence: "a frame larger than our SETTINGS_MAX_FRAME_SIZE",
            bytes: { $0.headers(1) + $0.data(1, Array(repeating: 0, count: 16_385)) },
            expected: .connection(.frameSizeError)),
        Violation(
            sentence: "padding as long as the payload",
            bytes: { $0.headers(1) + $0.raw(type: 0, flags: 0x8, streamID: 1, payload: [4, 0, 0, 0]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "CONTINUATION without HEADERS", bytes: { $0.continuation(1, [0x82]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "a frame interleaved in a header block",
            bytes: { $0.headerBlock(1, block: [0x82], endHeaders: false) + $0.ping() },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "CONTINUATION for another stream during a header block",
            bytes: { $0.headerBlock(1, block: [0x82], endHeaders: false) + $0.continuation(3, [0x86]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "an invalid HPACK index", bytes: { $0.headerBlock(1, block: [0xff, 0x00]) },
            expected: .connection(.compressionError)),
        Violation(
            sentence: "a Huffman string with EOS", bytes: { $0.headerBlock(1, block: Hex.bytes("0084fffffffc0161")) },
            expected: .connection(.compressionError)),
        Violation(
            sentence: "a connection window overflow", bytes: { $0.windowUpdate(0, 0x7FFF_FFFF) },
            expected: .connection(.flowControlError)),
        Violation(
            sentence: "a stream window overflow", bytes: { $0.headers(1) + $0.windowUpdate(1, 0x7FFF_FFFF) },
            expected: .stream(1, .flowControlError)),
        Violation(
            sentence: "WINDOW_UPDATE of 0 on the connection", bytes: { $0.windowUpdate(0, 0) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "WINDOW_UPDATE of 0 on a stream", bytes: { $0.headers(1) + $0.windowUpdate(1, 0) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "ENABLE_PUSH of 2", bytes: { $0.settings([HTTP2Setting(.enablePush, 2)]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "ENABLE_PUSH of 1 sent by a server", role: .client,
            bytes: { $0.settings([HTTP2Setting(.enablePush, 1)]) }, expected: .connection(.protocolError)),
        Violation(
            sentence: "INITIAL_WINDOW_SIZE above 2^31-1",
            bytes: { $0.settings([HTTP2Setting(.initialWindowSize, 1 << 31)]) },
            expected: .connection(.flowControlError)),
        Violation(
            sentence: "MAX_FRAME_SIZE below 16384", bytes: { $0.settings([HTTP2Setting(.maxFrameSize, 16_383)]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "MAX_FRAME_SIZE above 2^24-1", bytes: { $0.settings([HTTP2Setting(.maxFrameSize, 1 << 24)]) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "INITIAL_WINDOW_SIZE change that overflows an open stream's window",
            bytes: {
                $0.headers(1) + $0.windowUpdate(1, 0x7FFF_FFFF - 65_535)
                    + $0.settings([HTTP2Setting(.initialWindowSize, 65_536)])
            },
            expected: .connection(.flowControlError)),
        Violation(
            sentence: "an even stream id from a client", bytes: { $0.headers(2) }, expected: .connection(.protocolError)
        ),
        Violation(
            sentence: "a decreasing stream id", bytes: { $0.headers(5) + $0.headers(3) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "DATA beyond the stream window", configuration: manualFlowControl(),
            bytes: {
                $0.headers(1) + $0.data(1, Array(repeating: 0, count: 16_384))
                    + $0.data(1, Array(repeating: 0, count: 16_384)) + $0.data(1, Array(repeating: 0, count: 16_384))
                    + $0.data(1, Array(repeating: 0, count: 16_384))
            },
            expected: .stream(1, .flowControlError)),
        Violation(
            sentence: "DATA beyond the connection window",
            configuration: manualFlowControl(connectionWindow: 65_535, streamWindow: 1 << 20),
            bytes: { f in
                [f.headers(1), f.headers(3), f.headers(5)].flatMap { $0 }
                    + [1, 3, 5].flatMap { id in
                        (0..<2).flatMap { _ in f.data(StreamID(UInt32(id)), Array(repeating: 0, count: 16_384)) }
                    }
            },
            expected: .connection(.flowControlError)),
        Violation(
            sentence: "HEADERS after END_STREAM",
            bytes: { $0.headers(1, endStream: true) + $0.headers(1, endStream: true) },
            expected: .stream(1, .streamClosed)),
        Violation(
            sentence: "DATA after the peer's RST_STREAM",
            bytes: { $0.headers(1) + $0.rstStream(1) + $0.data(1, [1]) }, expected: .stream(1, .streamClosed)),
        Violation(
            sentence: "a request without :path",
            bytes: { $0.headers(1, [HeaderField(":method", "GET"), HeaderField(":scheme", "http")]) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "a pseudo-header after a regular field",
            bytes: {
                $0.headers(
                    1,
                    [
                        HeaderField(":method", "GET"), HeaderField("x", "y"), HeaderField(":scheme", "http"),
                        HeaderField(":path", "/"),
                    ])
            },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "an uppercase field name",
            bytes: { $0.headers(1, FrameFactory.request + [HeaderField("X-Upper", "1")]) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "a connection-specific field",
            bytes: { $0.headers(1, FrameFactory.request + [HeaderField("connection", "close")]) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "trailers without END_STREAM",
            bytes: { $0.headers(1) + $0.headers(1, [HeaderField("grpc-status", "0")]) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "a pseudo-header in trailers",
            bytes: { $0.headers(1) + $0.headers(1, [HeaderField(":status", "200")], endStream: true) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "a stream that depends on itself", bytes: { $0.headers(1) + $0.priority(1, dependsOn: 1) },
            expected: .stream(1, .protocolError)),
        Violation(
            sentence: "PUSH_PROMISE (push is disabled)", role: .client,
            bytes: { $0.frame(2, .pushPromise(PushPromisePayload(promisedStreamID: 4, fieldBlock: [0x82]))) },
            expected: .connection(.protocolError)),
        Violation(
            sentence: "a header list over SETTINGS_MAX_HEADER_LIST_SIZE",
            bytes: {
                $0.headers(1)
                    + $0.headers(
                        3, FrameFactory.request + [HeaderField("x-big", String(repeating: "a", count: 20_000))])
            },
            expected: .stream(3, .enhanceYourCalm)),
    ]

    /// The application holds on to received data, so windows are never replenished.
    static func manualFlowControl(connectionWindow: UInt32 = 1 << 20, streamWindow: UInt32 = 65_535)
        -> HTTP2Configuration
    {
        var configuration = HTTP2Configuration()
        configuration.inboundFlowControl = .manual
        configuration.connectionWindowSize = connectionWindow
        configuration.initialStreamWindowSize = streamWindow
        return configuration
    }

    @Test("each violation yields its RFC 9113 error code and scope", arguments: violations)
    func violation(_ violation: Violation) throws {
        var peer =
            violation.role == .server
            ? try Peer.server(violation.configuration) : try Peer.client(violation.configuration)
        let bytes = violation.bytes(&peer.factory)
        let result = peer.feed(bytes)
        let sent = try peer.sentFrames()
        switch violation.expected {
        case .connection(let code):
            guard case .failure(let error) = result else {
                Issue.record("expected a connection error \(code), got events")
                return
            }
            #expect(error.code == code)
            #expect(error.scope == .connection)
            #expect(sent.contains { $0.payload.goAwayCode == code }, "GOAWAY \(code) is queued before the throw")
            #expect(peer.connection.state == .closed)
        case .stream(let id, let code):
            guard case .success = result else {
                Issue.record("expected a stream error, got \(result)")
                return
            }
            #expect(
                sent.contains { $0.streamID == id && $0.payload == .rstStream(code) }, "RST_STREAM \(code) on \(id)")
            #expect(peer.connection.state == .open)
        }
    }

    @Test("the GOAWAY after an error names the last stream the peer opened")
    func goAwayCarriesLastStreamID() throws {
        var peer = try Peer.server()
        let bytes = peer.factory.headers(1) + peer.factory.headers(3) + peer.factory.data(0, [1])
        _ = peer.feed(bytes)
        let goAway = try peer.sentFrames().compactMap { frame -> GoAwayPayload? in
            if case .goAway(let payload) = frame.payload { return payload }
            return nil
        }
        #expect(goAway.map(\.lastStreamID) == [3])
    }

    @Test("after a connection error, further bytes are ignored")
    func closedIgnoresInput() throws {
        var peer = try Peer.server()
        _ = peer.feed(peer.factory.data(0, [1]))
        #expect(try peer.connection.receive(peer.factory.ping()) == [])
    }

    @Test("the first frame from a peer must be SETTINGS")
    func firstFrameMustBeSettings() throws {
        var connection = try HTTP2Connection(role: .server)
        #expect(throws: HTTP2Error.self) {
            try connection.receive(FrameDecoder.clientPreface + FrameFactory().ping())
        }
    }
}

extension FramePayload {
    var goAwayCode: HTTP2ErrorCode? {
        if case .goAway(let payload) = self { return payload.errorCode }
        return nil
    }
}
