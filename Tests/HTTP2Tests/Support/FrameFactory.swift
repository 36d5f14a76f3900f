@testable import HTTP2

/// Builds the bytes a peer would send, including ones a correct peer never would.
struct FrameFactory {
    var encoder = HPACKEncoder()

    static let request: [HeaderField] = [
        HeaderField(":method", "POST"), HeaderField(":scheme", "http"), HeaderField(":path", "/pkg.Service/Call"),
        HeaderField(":authority", "localhost"), HeaderField("content-type", "application/grpc"),
    ]
    static let response: [HeaderField] = [HeaderField(":status", "200")]

    func frame(_ streamID: StreamID, _ payload: FramePayload) -> [UInt8] {
        FrameEncoder.encode(Frame(streamID: streamID, payload: payload))
    }

    func settings(_ settings: [HTTP2Setting] = []) -> [UInt8] {
        frame(0, .settings(.values(settings)))
    }

    func settingsAck() -> [UInt8] { frame(0, .settings(.ack)) }

    mutating func headers(
        _ streamID: StreamID, _ fields: [HeaderField] = FrameFactory.request, endStream: Bool = false,
        priority: PrioritySpec? = nil, padding: UInt8? = nil
    ) -> [UInt8] {
        frame(
            streamID,
            .headers(
                HeadersPayload(
                    fieldBlock: encoder.encode(fields), endStream: endStream, priority: priority,
                    paddingLength: padding)))
    }

    func headerBlock(_ streamID: StreamID, block: [UInt8], endStream: Bool = false, endHeaders: Bool = true)
        -> [UInt8]
    {
        frame(streamID, .headers(HeadersPayload(fieldBlock: block, endStream: endStream, endHeaders: endHeaders)))
    }

    func continuation(_ streamID: StreamID, _ fragment: [UInt8], endHeaders: Bool = true) -> [UInt8] {
        frame(streamID, .continuation(ContinuationPayload(fieldBlockFragment: fragment, endHeaders: endHeaders)))
    }

    func data(_ streamID: StreamID, _ bytes: [UInt8], endStream: Bool = false, padding: UInt8? = nil) -> [UInt8] {
        frame(streamID, .data(DataPayload(data: bytes, endStream: endStream, paddingLength: padding)))
    }

    func rstStream(_ streamID: StreamID, _ code: HTTP2ErrorCode = .cancel) -> [UInt8] {
        frame(streamID, .rstStream(code))
    }

    func ping(_ value: UInt64 = 42, ack: Bool = false) -> [UInt8] {
        frame(0, .ping(PingPayload(data: PingData(value), ack: ack)))
    }

    func goAway(lastStreamID: StreamID, _ code: HTTP2ErrorCode = .noError) -> [UInt8] {
        frame(0, .goAway(GoAwayPayload(lastStreamID: lastStreamID, errorCode: code)))
    }

    func windowUpdate(_ streamID: StreamID, _ increment: UInt32) -> [UInt8] {
        frame(streamID, .windowUpdate(increment: increment))
    }

    func priority(_ streamID: StreamID, dependsOn dependency: StreamID) -> [UInt8] {
        frame(streamID, .priority(PrioritySpec(dependency: dependency)))
    }

    /// A frame with an arbitrary header and payload, for malformed lengths.
    func raw(type: UInt8, flags: UInt8 = 0, streamID: StreamID, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        FrameEncoder.appendHeader(
            length: payload.count, type: type, flags: FrameFlags(rawValue: flags), streamID: streamID, into: &bytes)
        return bytes + payload
    }
}

/// Parses what an engine wrote, as its peer would see it.
func decodeFrames(_ bytes: [UInt8], startsWithPreface: Bool = false) throws -> [Frame] {
    var decoder = FrameDecoder(
        expectsClientPreface: startsWithPreface, maxFrameSize: Int(HTTP2Settings.maxAllowedFrameSize),
        maxHeaderBlockSize: 1 << 24)
    decoder.append(bytes)
    var frames: [Frame] = []
    while let frame = try decoder.nextFrame() {
        frames.append(frame)
    }
    return frames
}

/// An engine with the preface exchange done, so tests start from an open connection.
struct Peer {
    var connection: HTTP2Connection
    var factory = FrameFactory()

    /// A server that has seen the client preface and SETTINGS, with its own SETTINGS acknowledged.
    static func server(_ configuration: HTTP2Configuration = HTTP2Configuration()) throws -> Peer {
        var peer = Peer(connection: try HTTP2Connection(role: .server, configuration: configuration))
        _ = try peer.connection.receive(
            FrameDecoder.clientPreface + peer.factory.settings() + peer.factory.settingsAck())
        _ = peer.connection.dataToSend()
        return peer
    }

    /// A client that has seen the server's SETTINGS and the ACK of its own.
    static func client(_ configuration: HTTP2Configuration = HTTP2Configuration()) throws -> Peer {
        var peer = Peer(connection: try HTTP2Connection(role: .client, configuration: configuration))
        _ = try peer.connection.receive(peer.factory.settings() + peer.factory.settingsAck())
        _ = peer.connection.dataToSend()
        return peer
    }

    /// Feeds bytes; returns the events, or the thrown connection error.
    mutating func feed(_ bytes: [UInt8]) -> Result<[HTTP2Event], HTTP2Error> {
        do {
            return .success(try connection.receive(bytes))
        } catch {
            return .failure(error)
        }
    }

    /// The frames the engine wants to send now.
    mutating func sentFrames() throws -> [Frame] {
        try decodeFrames(connection.dataToSend())
    }
}
