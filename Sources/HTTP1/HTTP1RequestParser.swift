import TextBasics

/// A sans-I/O HTTP/1.1 request parser (RFC 9112): bytes in, requests out.
///
/// Feed whatever the socket delivered with `append`, then call `next()` until it returns nil
/// (more bytes needed). Requests are yielded whole, bodies included, in order (pipelining
/// works). Every size is bounded by `HTTP1Limits`; a violation throws an `HTTP1ParseError`
/// naming the status to answer, after which the connection must be closed because the stream
/// can no longer be framed.
public struct HTTP1RequestParser: Sendable {
    public enum Output: Sendable, Equatable {
        /// The head of a request with `Expect: 100-continue` arrived and its announced body fits:
        /// the client waits for `100 Continue` before sending the body.
        case continueRequested
        case request(HTTPRequest)
    }

    struct Head: Sendable, Equatable {
        var method: String
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
    }

    enum State: Sendable, Equatable {
        case head
        case body(Head, remaining: Int, collected: [UInt8])
        case chunkSize(Head, collected: [UInt8])
        case chunkData(Head, remaining: Int, collected: [UInt8])
        case chunkDataEnd(Head, collected: [UInt8])
        case trailers(Head, collected: [UInt8], trailerBytes: Int)
        case failed
    }

    public let limits: HTTP1Limits
    private let remoteAddress: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head

    public init(limits: HTTP1Limits = HTTP1Limits(), remoteAddress: String = "unknown") {
        self.limits = limits
        self.remoteAddress = remoteAddress
    }

    /// Bytes received and not yet consumed (for tests and diagnostics).
    public var bufferedByteCount: Int { buffer.count - start }

    /// True while no request is partially received (a clean place to close an idle connection).
    public var isIdle: Bool { state == .head && bufferedByteCount == 0 }

    public mutating func append(_ bytes: [UInt8]) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func next() throws(HTTP1ParseError) -> Output? {
        do {
            return try step()
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func step() throws(HTTP1ParseError) -> Output? {
        while true {
            switch state {
            case .failed:
                throw HTTP1ParseError.badRequest("connection already failed")
            case .head:
                guard let head = try parseHead() else { return nil }
                let framing = try bodyFraming(of: head)
                let expectsContinue =
                    head.headers["Expect"].map { $0.trimmingSpaces.caseInsensitiveEquals("100-continue") } ?? false
                switch framing {
                case .none:
                    return .request(makeRequest(head, body: []))
                case .length(let length):
                    state = .body(head, remaining: length, collected: [])
                    if expectsContinue && bufferedByteCount == 0 { return .continueRequested }
                case .chunked:
                    state = .chunkSize(head, collected: [])
                    if expectsContinue && bufferedByteCount == 0 { return .continueRequested }
                }
            case .body(let head, let remaining, var collected):
                let take = min(remaining, bufferedByteCount)
                guard take > 0 else { return nil }
                collected.append(contentsOf: buffer[start..<start + take])
                start += take
                if take == remaining {
                    state = .head
                    return .request(makeRequest(head, body: collected))
                }
                state = .body(head, remaining: remaining - take, collected: collected)
            case .chunkSize(let head, let collected):
                guard let line = try takeLine(limit: 4096) else { return nil }
                let sizeText = line.split(separator: UInt8(ascii: ";"), maxSplits: 1).first ?? []
                let digits = Array(
                    sizeText.drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }.reversed())
                guard !digits.isEmpty, digits.count <= 15 else { throw .badRequest("invalid chunk size") }
                var size = 0
                for digit in digits {
                    guard let value = PercentDecoding.hexDigit(digit) else { throw .badRequest("invalid chunk size") }
                    size = size << 4 | Int(value)
                }
                if size == 0 {
                    state = .trailers(head, collected: collected, trailerBytes: 0)
                } else {
                    guard collected.count + size <= limits.maximumBodyBytes else {
                        throw HTTP1ParseError(
                            status: 413, reason: "request body exceeds \(limits.maximumBodyBytes) bytes")
                    }
                    state = .chunkData(head, remaining: size, collected: collected)
                }
            case .chunkData(let head, let remaining, var collected):
                let take = min(remaining, bufferedByteCount)
                guard take > 0 else { return nil }
                collected.append(contentsOf: buffer[start..<start + take])
                start += take
                state =
                    take == remaining
                    ? .chunkDataEnd(head, collected: collected)
                    : .chunkData(head, remaining: remaining - take, collected: collected)
            case .chunkDataEnd(let head, let collected):
                guard let line = try takeLine(limit: 2) else { return nil }
                guard line.isEmpty else { throw .badRequest("chunk data not followed by CRLF") }
                state = .chunkSize(head, collected: collected)
            case .trailers(let head, let collected, let trailerBytes):
                guard let line = try takeLine(limit: limits.maximumHeadBytes) else { return nil }
                if line.isEmpty {
                    state = .head
                    return .request(makeRequest(head, body: collected))
                }
                let total = trailerBytes + line.count
                guard total <= limits.maximumHeadBytes else {
                    throw HTTP1ParseError(status: 431, reason: "trailer section too large")
                }
                // Trailer fields are read and discarded: nothing here uses them.
                state = .trailers(head, collected: collected, trailerBytes: total)
            }
        }
    }

    private func makeRequest(_ head: Head, body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body,
            remoteAddress: remoteAddress)
    }

    // MARK: Head

    private mutating func parseHead() throws(HTTP1ParseError) -> Head? {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while start < buffer.count, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
        guard let end = HTTP1FieldSyntax.headEnd(in: buffer, from: start) else {
            let pending = bufferedByteCount
            if pending > limits.maximumHeadBytes {
                if !buffer[start...].contains(10) && pending > limits.maximumTargetBytes + 32 {
                    throw HTTP1ParseError(status: 414, reason: "request target too long")
                }
                throw HTTP1ParseError(status: 431, reason: "request head exceeds \(limits.maximumHeadBytes) bytes")
            }
            return nil
        }
        guard end - start <= limits.maximumHeadBytes else {
            throw HTTP1ParseError(status: 431, reason: "request head exceeds \(limits.maximumHeadBytes) bytes")
        }
        let lines = HTTP1FieldSyntax.lines(of: buffer[start..<end])
        start = end
        guard let requestLine = lines.first else { throw .badRequest("missing request line") }
        var head = try parseRequestLine(requestLine)
        guard lines.count - 1 <= limits.maximumHeaderCount else {
            throw HTTP1ParseError(status: 431, reason: "more than \(limits.maximumHeaderCount) header fields")
        }
        for line in lines.dropFirst() {
            let (name, value) = try parseField(line)
            head.headers.add(name, value)
        }
        if head.version == .http11 && head.headers.values("Host").count != 1 {
            throw .badRequest("HTTP/1.1 request needs exactly one Host header")
        }
        return head
    }

    private func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Head {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .badRequest("malformed request line")
        }
        guard parts[0].allSatisfy(isTokenByte) else { throw .badRequest("invalid method") }
        guard parts[1].count <= limits.maximumTargetBytes else {
            throw HTTP1ParseError(status: 414, reason: "request target too long")
        }
        guard parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else { throw .badRequest("invalid request target") }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard target.hasPrefix("/") || (target == "*") else { throw .badRequest("request target must be a path") }
        let version: HTTPVersion
        switch String(decoding: parts[2], as: UTF8.self) {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        default: throw HTTP1ParseError(status: 505, reason: "only HTTP/1.0 and HTTP/1.1 are supported")
        }
        return Head(method: String(decoding: parts[0], as: UTF8.self), target: target, version: version, headers: [:])
    }

    private func parseField(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (String, String) {
        do {
            return try HTTP1FieldSyntax.field(line)
        } catch {
            throw .badRequest(error.reason)
        }
    }

    // MARK: Body framing (RFC 9112 §6)

    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    private func bodyFraming(of head: Head) throws(HTTP1ParseError) -> Framing {
        let encodings = head.headers.values("Transfer-Encoding")
        let lengths = head.headers.values("Content-Length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .badRequest("both Content-Length and Transfer-Encoding") }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map {
                String($0).trimmingSpaces.asciiLowercased
            }
            guard codings == ["chunked"] else {
                throw HTTP1ParseError(status: 501, reason: "only the chunked transfer coding is supported")
            }
            return .chunked
        }
        let values = Set(lengths.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces })
        guard let text = values.first else { return .none }
        guard values.count == 1, !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let length = Int(text)
        else { throw .badRequest("invalid Content-Length") }
        guard length <= limits.maximumBodyBytes else {
            throw HTTP1ParseError(status: 413, reason: "request body exceeds \(limits.maximumBodyBytes) bytes")
        }
        return length == 0 ? .none : .length(length)
    }

    // MARK: Lines inside chunked bodies

    /// The next line without its CRLF, or nil if it is not complete yet.
    private mutating func takeLine(limit: Int) throws(HTTP1ParseError) -> ArraySlice<UInt8>? {
        guard let newline = buffer[start...].firstIndex(of: 10) else {
            if bufferedByteCount > limit + 2 { throw .badRequest("line in chunked body too long") }
            return nil
        }
        var line = buffer[start..<newline]
        if line.last == 13 { line = line.dropLast() }
        guard line.count <= limit else { throw .badRequest("line in chunked body too long") }
        start = newline + 1
        return line
    }
}

/// RFC 9110 §5.6.2 token characters.
@inline(__always)
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
