/// Writes frames to bytes (RFC 9113 §4.1, §6). It splits nothing and checks
/// nothing beyond what the wire format needs: choosing frame sizes that fit the
/// peer's limits is the connection's job, and tests use this to build frames a
/// correct peer would never send.
public enum FrameEncoder {
    public static func encode(_ frame: Frame) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(frame, into: &bytes)
        return bytes
    }

    public static func encode(_ frame: Frame, into bytes: inout [UInt8]) {
        var flags = FrameFlags()
        var body: [UInt8] = []
        let type: UInt8
        switch frame.payload {
        case .data(let data):
            type = FrameType.data.rawValue
            if data.endStream { flags.insert(.endStream) }
            appendPadded(data.data, padding: data.paddingLength, flags: &flags, into: &body)
        case .headers(let headers):
            type = FrameType.headers.rawValue
            if headers.endStream { flags.insert(.endStream) }
            if headers.endHeaders { flags.insert(.endHeaders) }
            var content: [UInt8] = []
            if let priority = headers.priority {
                flags.insert(.priority)
                appendPriority(priority, into: &content)
            }
            content += headers.fieldBlock
            appendPadded(content, padding: headers.paddingLength, flags: &flags, into: &body)
        case .priority(let priority):
            type = FrameType.priority.rawValue
            appendPriority(priority, into: &body)
        case .rstStream(let code):
            type = FrameType.rstStream.rawValue
            body.appendUInt32(code.rawValue)
        case .settings(.ack):
            type = FrameType.settings.rawValue
            flags.insert(.ack)
        case .settings(.values(let settings)):
            type = FrameType.settings.rawValue
            for setting in settings {
                body.appendUInt16(setting.identifier.rawValue)
                body.appendUInt32(setting.value)
            }
        case .pushPromise(let promise):
            type = FrameType.pushPromise.rawValue
            if promise.endHeaders { flags.insert(.endHeaders) }
            var content: [UInt8] = []
            content.appendUInt32(promise.promisedStreamID.rawValue)
            content += promise.fieldBlock
            appendPadded(content, padding: promise.paddingLength, flags: &flags, into: &body)
        case .ping(let ping):
            type = FrameType.ping.rawValue
            if ping.ack { flags.insert(.ack) }
            body = ping.data.bytes
        case .goAway(let goAway):
            type = FrameType.goAway.rawValue
            body.appendUInt32(goAway.lastStreamID.rawValue)
            body.appendUInt32(goAway.errorCode.rawValue)
            body += goAway.debugData
        case .windowUpdate(let increment):
            type = FrameType.windowUpdate.rawValue
            body.appendUInt32(increment & 0x7FFF_FFFF)
        case .continuation(let continuation):
            type = FrameType.continuation.rawValue
            if continuation.endHeaders { flags.insert(.endHeaders) }
            body = continuation.fieldBlockFragment
        case .unknown(let unknownType, let unknownFlags, let payload):
            type = unknownType
            flags = unknownFlags
            body = payload
        }
        appendHeader(length: body.count, type: type, flags: flags, streamID: frame.streamID, into: &bytes)
        bytes += body
    }

    static func appendHeader(length: Int, type: UInt8, flags: FrameFlags, streamID: StreamID, into bytes: inout [UInt8])
    {
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(type)
        bytes.append(flags.rawValue)
        bytes.appendUInt32(streamID.rawValue)
    }

    private static func appendPriority(_ priority: PrioritySpec, into bytes: inout [UInt8]) {
        bytes.appendUInt32(priority.dependency.rawValue | (priority.exclusive ? 0x8000_0000 : 0))
        bytes.append(priority.weight)
    }

    private static func appendPadded(
        _ content: [UInt8], padding: UInt8?, flags: inout FrameFlags, into body: inout [UInt8]
    ) {
        guard let padding else {
            body += content
            return
        }
        flags.insert(.padded)
        body.append(padding)
        body += content
        body += repeatElement(0, count: Int(padding))
    }
}
