/// Parses one frame body whose length was already checked against SETTINGS_MAX_FRAME_SIZE.
///
/// Only checks that need nothing but the frame itself live here (lengths,
/// padding, which frames belong on stream 0); the connection checks the rest.
enum FramePayloadParser {
    static func parse(header: FrameHeader, body: ArraySlice<UInt8>) throws(HTTP2Error) -> FramePayload {
        guard let type = FrameType(rawValue: header.type) else {
            return .unknown(type: header.type, flags: header.flags, payload: Array(body))
        }
        try checkStreamZeroRule(type, header.streamID)
        let flags = header.flags
        switch type {
        case .data:
            let (content, padding) = try stripPadding(body, flags: flags)
            return .data(
                DataPayload(data: Array(content), endStream: flags.contains(.endStream), paddingLength: padding))
        case .headers:
            return try .headers(parseHeaders(body, flags: flags))
        case .priority:
            guard body.count == 5 else {
                // RFC 9113 §6.3: a wrong PRIORITY length only costs the stream.
                throw .stream(header.streamID, .frameSizeError, "PRIORITY frame of \(body.count) bytes")
            }
            return .priority(parsePriority(body))
        case .rstStream:
            try expectLength(body, 4, "RST_STREAM")
            return .rstStream(HTTP2ErrorCode(rawValue: uint32(body, 0)))
        case .settings:
            return try .settings(parseSettings(body, flags: flags))
        case .pushPromise:
            let (content, padding) = try stripPadding(body, flags: flags)
            guard content.count >= 4 else {
                throw .connection(.frameSizeError, "PUSH_PROMISE too short for a promised stream id")
            }
            let promised = StreamID(rawValue: uint32(content, 0))
            return .pushPromise(
                PushPromisePayload(
                    promisedStreamID: promised, fieldBlock: Array(content.dropFirst(4)),
                    endHeaders: flags.contains(.endHeaders), paddingLength: padding))
        case .ping:
            try expectLength(body, 8, "PING")
            let value = UInt64(uint32(body, 0)) << 32 | UInt64(uint32(body, 4))
            return .ping(PingPayload(data: PingData(value), ack: flags.contains(.ack)))
        case .goAway:
            guard body.count >= 8 else {
                throw .connection(.frameSizeError, "GOAWAY frame of \(body.count) bytes")
            }
            return .goAway(
                GoAwayPayload(
                    lastStreamID: StreamID(rawValue: uint32(body, 0)),
                    errorCode: HTTP2ErrorCode(rawValue: uint32(body, 4)),
                    debugData: Array(body.dropFirst(8))))
        case .windowUpdate:
            try expectLength(body, 4, "WINDOW_UPDATE")
            return .windowUpdate(increment: uint32(body, 0) & 0x7FFF_FFFF)
        case .continuation:
            return .continuation(
                ContinuationPayload(fieldBlockFragment: Array(body), endHeaders: flags.contains(.endHeaders)))
        }
    }

    /// RFC 9113 §6: stream-level frames never use stream 0 and connection-level frames always do.
    private static func checkStreamZeroRule(_ type: FrameType, _ streamID: StreamID) throws(HTTP2Error) {
        switch type {
        case .data, .headers, .priority, .rstStream, .pushPromise, .continuation:
            guard !streamID.isConnection else {
                throw .connection(.protocolError, "\(type) frame on stream 0")
            }
        case .settings, .ping, .goAway:
            guard streamID.isConnection else {
                throw .connection(.protocolError, "\(type) frame on stream \(streamID)")
            }
        case .windowUpdate:
            return
        }
    }

    private static func parseHeaders(_ body: ArraySlice<UInt8>, flags: FrameFlags) throws(HTTP2Error)
        -> HeadersPayload
    {
        var (content, padding) = try stripPadding(body, flags: flags)
        var priority: PrioritySpec?
        if flags.contains(.priority) {
            guard content.count >= 5 else {
                throw .connection(.frameSizeError, "HEADERS too short for its priority fields")
            }
            priority = parsePriority(content.prefix(5))
            content = content.dropFirst(5)
        }
        return HeadersPayload(
            fieldBlock: Array(content), endStream: flags.contains(.endStream),
            endHeaders: flags.contains(.endHeaders), priority: priority, paddingLength: padding)
    }

    private static func parseSettings(_ body: ArraySlice<UInt8>, flags: FrameFlags) throws(HTTP2Error)
        -> SettingsPayload
    {
        if flags.contains(.ack) {
            guard body.isEmpty else {
                throw .connection(.frameSizeError, "SETTINGS ACK with a \(body.count)-byte payload")
            }
            return .ack
        }
        guard body.count % 6 == 0 else {
            throw .connection(.frameSizeError, "SETTINGS length \(body.count) is not a multiple of 6")
        }
        var settings: [HTTP2Setting] = []
        var offset = 0
        while offset < body.count {
            let identifier = UInt16(body[body.startIndex + offset]) << 8 | UInt16(body[body.startIndex + offset + 1])
            let value = uint32(body, offset + 2)
            settings.append(HTTP2Setting(HTTP2SettingIdentifier(rawValue: identifier), value))
            offset += 6
        }
        return .values(settings)
    }

    private static func parsePriority(_ bytes: ArraySlice<UInt8>) -> PrioritySpec {
        let word = uint32(bytes, 0)
        return PrioritySpec(
            exclusive: word & 0x8000_0000 != 0, dependency: StreamID(rawValue: word),
            weight: bytes[bytes.startIndex + 4])
    }

    /// Removes the Pad Length octet and the padding (RFC 9113 §6.1).
    private static func stripPadding(_ body: ArraySlice<UInt8>, flags: FrameFlags) throws(HTTP2Error)
        -> (ArraySlice<UInt8>, UInt8?)
    {
        guard flags.contains(.padded) else { return (body, nil) }
        guard let padLength = body.first else {
            throw .connection(.frameSizeError, "padded frame without a Pad Length octet")
        }
        let remaining = body.count - 1
        guard Int(padLength) <= remaining else {
            throw .connection(.protocolError, "padding of \(padLength) bytes in a \(body.count)-byte payload")
        }
        return (body.dropFirst().dropLast(Int(padLength)), padLength)
    }

    private static func expectLength(_ body: ArraySlice<UInt8>, _ length: Int, _ name: String) throws(HTTP2Error) {
        guard body.count == length else {
            throw .connection(.frameSizeError, "\(name) frame of \(body.count) bytes, expected \(length)")
        }
    }

    private static func uint32(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
        let start = bytes.startIndex + offset
        return UInt32(bytes[start]) << 24 | UInt32(bytes[start + 1]) << 16 | UInt32(bytes[start + 2]) << 8
            | UInt32(bytes[start + 3])
    }
}
