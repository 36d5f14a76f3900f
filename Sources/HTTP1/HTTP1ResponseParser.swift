import TextBasics

/// A sans-I/O HTTP/1.1 response parser (RFC 9112) for one request's response: bytes in, events
/// out.
///
/// Feed what the socket delivered with `append`, call `next()` until it returns nil (more bytes
/// needed), and call `endOfStream()` when the peer closed. Events come in order: one `.head`
/// (interim 1xx responses are skipped), any number of `.body` pieces as they arrive (not
/// buffered whole, so a watch streams), then `.end`. Every size is bounded by
/// `HTTP1ResponseLimits`; any violation throws, after which the parser only throws.
public struct HTTP1ResponseParser: Sendable {
    public enum Event: Sendable, Equatable {
        case head(HTTPResponseHead)
        case body([UInt8])
        case end
    }

    enum State: Sendable, Equatable {
        case head(interimSeen: Int)
        case fixed(remaining: Int)
        case untilClose
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        case complete
        case failed
    }

    public let limits: HTTP1ResponseLimits
    /// HEAD responses announce a body they never send (RFC 9110 §9.3.2).
    private let requestWasHead: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head(interimSeen: 0)

    public init(limits: HTTP1ResponseLimits = HTTP1ResponseLimits(), requestMethod: String) {
        self.limits = limits
        requestWasHead = requestMethod == "HEAD"
    }

    /// True once `.end` was produced.
    public var isComplete: Bool { state == .complete }

    /// Bytes received and not yet consumed. Non-zero after `.end` means the server sent more
    /// than one response: the connection must not be reused.
    public var bufferedByteCount: Int { buffer.count - start }

    /// True while the body is delimited by the connection closing (no reuse possible).
    public var readsUntilClose: Bool { state == .untilClose }

    public mutating func append(_ bytes: [UInt8]) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func next() throws(HTTP1ResponseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed
            throw error
        }
    }

    /// The peer closed: `.end` if that completes the response (a body read until close), nil
    /// if it had already ended; otherwise the response was cut short and this throws.
    public mutating func endOfStream() throws(HTTP1ResponseError) -> Event? {
        switch state {
        case .untilClose:
            state = .complete
            return .end
        case .complete:
            return nil
        case .failed:
            throw .malformed("connection already failed")
        case .head, .fixed, .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            state = .failed
            throw HTTP1ResponseError(kind: .truncated, reason: "the connection closed before the response ended")
        }
    }

    private mutating func step() throws(HTTP1ResponseError) -> Event? {
        while true {
            switch state {
            case .failed:
                throw .malformed("connection already failed")
            case .complete:
                return nil
            case .head(let interimSeen):
                guard let head = try parseHead() else { return nil }
                if (100..<200).contains(head.statusCode) {
                    guard head.statusCode != 101 else { throw .malformed("unexpected protocol switch (101)") }
                    guard interimSeen < limits.maximumInterimResponses else {
                        throw .tooLarge("more than \(limits.maximumInterimResponses) interim responses")
                    }
                    state = .head(interimSeen: interimSeen + 1)
                    continue
                }
                state = try bodyState(for: head)
                return .head(head)
            case .fixed(let remaining):
                guard remaining > 0 else {
                    state = .complete
                    return .end
                }
                let take = min(remaining, bufferedByteCount)
                guard take > 0 else { return nil }
                state = .fixed(remaining: remaining - take)
                return .body(consume(take))
            case .untilClose:
                guard bufferedByteCount > 0 else { return nil }
                return .body(consume(bufferedByteCount))
            case .chunkSize:
                guard let line = try takeLine(limit: limits.maximumChunkLineBytes) else { return nil }
                let size = try chunkSize(line)
                state = size == 0 ? .trailers(bytes: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, bufferedByteCount)
                guard take > 0 else { return nil }
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                return .body(consume(take))
            case .chunkDataEnd:
                if bufferedByteCount > 0, buffer[start] != 13, buffer[start] != 10 {
                    throw .malformed("chunk data not followed by CRLF")
                }
                guard let line = try takeLine(limit: 0) else { return nil }
                guard line.isEmpty else { throw .malformed("chunk data not followed by CRLF") }
                state = .chunkSize
            case .trailers(let bytes):
                guard let line = try takeLine(limit: limits.maximumHeadBytes) else { return nil }
                if line.isEmpty {
                    state = .complete
                    return .end
                }
                let total = bytes + line.count
                guard total <= limits.maximumHeadBytes else { throw .tooLarge("trailer section too large") }
                // Trailer fields are checked for form and discarded: nothing here uses them.
                _ = try Self.field(line)
                state = .trailers(bytes: total)
            }
        }
    }

    private mutating func consume(_ count: Int) -> [UInt8] {
        let bytes = Array(buffer[start..<start + count])
        start += count
        return bytes
    }

    // MARK: Head

    private mutating func parseHead() throws(HTTP1ResponseError) -> HTTPResponseHead? {
        guard let end = HTTP1FieldSyntax.headEnd(in: buffer, from: start) else {
            guard bufferedByteCount <= limits.maximumHeadBytes else {
                throw .tooLarge("response head exceeds \(limits.maximumHeadBytes) bytes")
            }
            return nil
        }
        guard end - start <= limits.maximumHeadBytes else {
            throw .tooLarge("response head exceeds \(limits.maximumHeadBytes) bytes")
        }
        let lines = HTTP1FieldSyntax.lines(of: buffer[start..<end])
        start = end
        guard let statusLine = lines.first else { throw .malformed("missing status line") }
        var head = try parseStatusLine(statusLine)
        guard lines.count - 1 <= limits.maximumHeaderCount else {
            throw .tooLarge("more than \(limits.maximumHeaderCount) header fields")
        }
        for line in lines.dropFirst() {
            let (name, value) = try Self.field(line)
            head.headers.add(name, value)
        }
        return head
    }

    private static func field(_ line: ArraySlice<UInt8>) throws(HTTP1ResponseError) -> (String, String) {
        do {
            return try HTTP1FieldSyntax.field(line)
        } catch {
            throw .malformed(error.reason)
        }
    }

    /// `HTTP/1.1 200 OK`; the reason phrase may be empty or missing.
    private func parseStatusLine(_ line: ArraySlice<UInt8>) throws(HTTP1ResponseError) -> HTTPResponseHead {
        let parts = line.split(separator: 32, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { throw .malformed("malformed status line") }
        let version: HTTPVersion
        switch String(decoding: parts[0], as: UTF8.self) {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        default: throw .malformed("not an HTTP/1.x status line")
        }
        let code = parts[1]
        guard code.count == 3, code.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let status = Int(String(decoding: code, as: UTF8.self)),
            (100...599).contains(status)
        else { throw .malformed("invalid status code") }
        if parts.count == 3 {
            guard parts[2].allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                throw .malformed("control character in reason phrase")
            }
        }
        return HTTPResponseHead(statusCode: status, version: version)
    }

    // MARK: Body framing (RFC 9112 §6.3)

    private func bodyState(for head: HTTPResponseHead) throws(HTTP1ResponseError) -> State {
        if requestWasHead || head.statusCode == 204 || head.statusCode == 304 { return .fixed(remaining: 0) }
        let encodings = head.headers.values("Transfer-Encoding")
        let lengths = head.headers.values("Content-Length")
        if !encodings.isEmpty {
            // Both present is a smuggling signature (RFC 9112 §6.3 item 3): refuse it.
            guard lengths.isEmpty else { throw .malformed("both Content-Length and Transfer-Encoding") }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map {
                String($0).trimmingSpaces.asciiLowercased
            }
            guard codings == ["chunked"] else { throw .malformed("unsupported transfer coding") }
            return .chunkSize
        }
        let values = Set(lengths.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces })
        guard let text = values.first else { return .untilClose }
        guard values.count == 1, !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let length = Int(text)
        else { throw .malformed("invalid Content-Length") }
        return .fixed(remaining: length)
    }

    private func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTP1ResponseError) -> Int {
        let sizeText =
            line.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false)
            .first ?? []
        let digits = Array(sizeText.drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }.reversed())
        // 15 hex digits stay below Int.max; no real chunk comes near.
        guard !digits.isEmpty, digits.count <= 15 else { throw .malformed("invalid chunk size") }
        var size = 0
        for digit in digits {
            guard let value = PercentDecoding.hexDigit(digit) else { throw .malformed("invalid chunk size") }
            size = size << 4 | Int(value)
        }
        return size
    }

    /// The next line without its CRLF, or nil if it is not complete yet.
    private mutating func takeLine(limit: Int) throws(HTTP1ResponseError) -> ArraySlice<UInt8>? {
        guard let newline = buffer[start...].firstIndex(of: 10) else {
            if bufferedByteCount > limit + 2 { throw .malformed("line in chunked body too long") }
            return nil
        }
        var line = buffer[start..<newline]
        if line.last == 13 { line = line.dropLast() }
        guard line.count <= limit else { throw .malformed("line in chunked body too long") }
        start = newline + 1
        return line
    }
}
