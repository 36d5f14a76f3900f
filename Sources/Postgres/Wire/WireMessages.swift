/// PostgreSQL's frontend/backend protocol 3.0, as bytes: the messages this client sends and a
/// decoder for those it receives. Pure; the socket lives in `WireConnection`.
enum FrontendMessage {
    static let protocolVersion: Int32 = 196_608  // 3.0
    static let sslRequestCode: Int32 = 80_877_103
    static let cancelRequestCode: Int32 = 80_877_102

    static func startup(_ parameters: [(String, String)]) -> [UInt8] {
        var body = ByteWriter()
        body.int32(protocolVersion)
        for (name, value) in parameters {
            body.cString(name)
            body.cString(value)
        }
        body.bytes.append(0)
        return untyped(body)
    }

    static func sslRequest() -> [UInt8] {
        var body = ByteWriter()
        body.int32(sslRequestCode)
        return untyped(body)
    }

    static func cancelRequest(processID: Int32, secretKey: [UInt8]) -> [UInt8] {
        var body = ByteWriter()
        body.int32(cancelRequestCode)
        body.int32(processID)
        body.bytes += secretKey
        return untyped(body)
    }

    static func password(_ text: String) -> [UInt8] {
        var body = ByteWriter()
        body.cString(text)
        return typed("p", body)
    }

    static func saslInitialResponse(mechanism: String, data: [UInt8]) -> [UInt8] {
        var body = ByteWriter()
        body.cString(mechanism)
        body.int32(Int32(data.count))
        body.bytes += data
        return typed("p", body)
    }

    static func saslResponse(_ data: [UInt8]) -> [UInt8] {
        typed("p", ByteWriter(bytes: data))
    }

    static func query(_ sql: String) -> [UInt8] {
        var body = ByteWriter()
        body.cString(sql)
        return typed("Q", body)
    }

    /// Parse, Bind, Describe, Execute and Sync of one unnamed statement; every result column
    /// comes back as text.
    static func extendedQuery(_ sql: String, parameters: [PostgresBind]) -> [UInt8] {
        var parse = ByteWriter()
        parse.cString("")
        parse.cString(sql)
        parse.int16(Int16(parameters.count))
        for parameter in parameters { parse.int32(Int32(bitPattern: parameter.type.rawValue)) }
        var bind = ByteWriter()
        bind.cString("")
        bind.cString("")
        bind.int16(Int16(parameters.count))
        for parameter in parameters { bind.int16(Int16(parameter.format.rawValue)) }
        bind.int16(Int16(parameters.count))
        for parameter in parameters {
            if let bytes = parameter.bytes {
                bind.int32(Int32(bytes.count))
                bind.bytes += bytes
            } else {
                bind.int32(-1)
            }
        }
        bind.int16(0)
        var describe = ByteWriter()
        describe.bytes.append(UInt8(ascii: "P"))
        describe.cString("")
        var execute = ByteWriter()
        execute.cString("")
        execute.int32(0)
        return typed("P", parse) + typed("B", bind) + typed("D", describe) + typed("E", execute)
            + typed("S", ByteWriter())
    }

    static func terminate() -> [UInt8] { typed("X", ByteWriter()) }

    private static func typed(_ type: Character, _ body: ByteWriter) -> [UInt8] {
        var message = ByteWriter()
        message.bytes.append(type.asciiValue!)
        message.int32(Int32(body.bytes.count + 4))
        message.bytes += body.bytes
        return message.bytes
    }

    private static func untyped(_ body: ByteWriter) -> [UInt8] {
        var message = ByteWriter()
        message.int32(Int32(body.bytes.count + 4))
        message.bytes += body.bytes
        return message.bytes
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int16(_ value: Int16) {
        bytes += [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    mutating func int32(_ value: Int32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func cString(_ text: String) {
        bytes += text.utf8
        bytes.append(0)
    }
}

/// One message from the server.
enum BackendMessage: Equatable {
    case authentication(Authentication)
    case parameterStatus(name: String, value: String)
    case backendKeyData(processID: Int32, secretKey: [UInt8])
    case readyForQuery
    case rowDescription(names: [String], types: [UInt32])
    case dataRow([[UInt8]?])
    case commandComplete(tag: String)
    case emptyQueryResponse
    case error(fields: [UInt8: String])
    case notice
    case notification(processID: Int32, channel: String, payload: String)
    case copyResponse
    /// ParseComplete, BindComplete, NoData, ParameterDescription, PortalSuspended, CopyData/Done:
    /// nothing this client needs from them.
    case other(type: UInt8)

    enum Authentication: Equatable {
        case ok
        case cleartextPassword
        case md5Password(salt: [UInt8])
        case sasl(mechanisms: [String])
        case saslContinue([UInt8])
        case saslFinal([UInt8])
        case unsupported(code: Int32)
    }

    /// The largest message accepted: a row or error bigger than this means a broken or hostile
    /// peer, not data this client should buffer.
    static let maximumLength = 1 << 30

    /// Takes one whole message off the front of `buffer`; nil if more bytes are needed.
    static func decode(from buffer: inout ByteReader) throws(PostgresError) -> BackendMessage? {
        guard buffer.remaining >= 5 else { return nil }
        let type = buffer.peek(at: 0)
        let length = Int(buffer.peekInt32(at: 1))
        guard length >= 4, length <= maximumLength else {
            throw .connectionClosed(message: "invalid message length \(length) from the server")
        }
        guard buffer.remaining >= 1 + length else { return nil }
        buffer.skip(5)
        var body = buffer.split(length - 4)
        do {
            let message = try parse(type: type, body: &body)
            return message
        } catch {
            throw .connectionClosed(message: "malformed \"\(Character(Unicode.Scalar(type)))\" message from the server")
        }
    }

    private static func parse(type: UInt8, body: inout ByteReader) throws(MalformedMessage) -> BackendMessage {
        switch type {
        case UInt8(ascii: "R"):
            let code = try body.int32()
            switch code {
            case 0: return .authentication(.ok)
            case 3: return .authentication(.cleartextPassword)
            case 5: return .authentication(.md5Password(salt: try body.bytes(4)))
            case 10:
                var mechanisms: [String] = []
                while body.remaining > 0 {
                    let name = try body.cString()
                    if name.isEmpty { break }
                    mechanisms.append(name)
                }
                return .authentication(.sasl(mechanisms: mechanisms))
            case 11: return .authentication(.saslContinue(body.rest()))
            case 12: return .authentication(.saslFinal(body.rest()))
            default: return .authentication(.unsupported(code: code))
            }
        case UInt8(ascii: "S"):
            return .parameterStatus(name: try body.cString(), value: try body.cString())
        case UInt8(ascii: "K"):
            return .backendKeyData(processID: try body.int32(), secretKey: body.rest())
        case UInt8(ascii: "Z"):
            return .readyForQuery
        case UInt8(ascii: "T"):
            let count = Int(try body.int16())
            var names: [String] = []
            var types: [UInt32] = []
            for _ in 0..<max(0, count) {
                names.append(try body.cString())
                _ = try body.int32()  // table OID
                _ = try body.int16()  // column number
                types.append(UInt32(bitPattern: try body.int32()))
                _ = try body.int16()  // type size
                _ = try body.int32()  // type modifier
                _ = try body.int16()  // format
            }
            return .rowDescription(names: names, types: types)
        case UInt8(ascii: "D"):
            let count = Int(try body.int16())
            var values: [[UInt8]?] = []
            values.reserveCapacity(max(0, count))
            for _ in 0..<max(0, count) {
                let length = try body.int32()
                values.append(length < 0 ? nil : try body.bytes(Int(length)))
            }
            return .dataRow(values)
        case UInt8(ascii: "C"):
            return .commandComplete(tag: try body.cString())
        case UInt8(ascii: "I"):
            return .emptyQueryResponse
        case UInt8(ascii: "E"):
            var fields: [UInt8: String] = [:]
            while body.remaining > 0 {
                let code = try body.bytes(1)[0]
                if code == 0 { break }
                fields[code] = try body.cString()
            }
            return .error(fields: fields)
        case UInt8(ascii: "N"):
            return .notice
        case UInt8(ascii: "A"):
            return .notification(processID: try body.int32(), channel: try body.cString(), payload: try body.cString())
        case UInt8(ascii: "G"), UInt8(ascii: "H"), UInt8(ascii: "W"):
            return .copyResponse
        default:
            return .other(type: type)
        }
    }
}

struct MalformedMessage: Error {}

/// Reads big-endian integers and C strings from received bytes.
struct ByteReader {
    private(set) var bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8] = []) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func append(_ more: UnsafeRawBufferPointer) {
        // Drop what was consumed before growing, so a long session does not keep old messages.
        if offset > 0 && offset == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            offset = 0
        } else if offset > 1 << 16 {
            bytes.removeFirst(offset)
            offset = 0
        }
        bytes.append(contentsOf: more)
    }

    func peek(at index: Int) -> UInt8 { bytes[offset + index] }

    func peekInt32(at index: Int) -> Int32 {
        (0..<4).reduce(Int32(0)) { $0 << 8 | Int32(bytes[offset + index + $1]) }
    }

    mutating func skip(_ count: Int) { offset += count }

    /// The next `count` bytes as a reader of their own.
    mutating func split(_ count: Int) -> ByteReader {
        let part = ByteReader(Array(bytes[offset..<(offset + count)]))
        offset += count
        return part
    }

    mutating func int16() throws(MalformedMessage) -> Int16 {
        guard remaining >= 2 else { throw MalformedMessage() }
        defer { offset += 2 }
        return Int16(bitPattern: UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]))
    }

    mutating func int32() throws(MalformedMessage) -> Int32 {
        guard remaining >= 4 else { throw MalformedMessage() }
        defer { offset += 4 }
        return peekInt32(at: 0)
    }

    mutating func bytes(_ count: Int) throws(MalformedMessage) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw MalformedMessage() }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func cString() throws(MalformedMessage) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw MalformedMessage() }
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}
