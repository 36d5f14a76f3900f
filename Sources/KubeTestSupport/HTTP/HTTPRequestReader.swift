import Foundation
import Transport

/// Reads HTTP/1.1 requests from a connection: the head up to the blank line, then a body by
/// Content-Length or chunked encoding. Bounded: heads to 64 KiB, bodies to 16 MiB.
struct HTTPRequestReader {
    static let maximumHeadBytes = 64 * 1024
    static let maximumBodyBytes = 16 << 20

    enum Failure: Error, Equatable {
        case closed
        case malformed(String)
        case tooLarge(status: Int)
    }

    private let stream: any ByteStream
    private var buffer: [UInt8] = []
    private let idleDeadline: Duration

    init(stream: any ByteStream, idleDeadline: Duration) {
        self.stream = stream
        self.idleDeadline = idleDeadline
    }

    /// The next request; `.closed` when the client closed between requests. `onExpectContinue`
    /// sends `100 Continue` when the client waits for it before the body.
    mutating func next(onExpectContinue: () async throws -> Void) async throws -> HTTPRequest {
        let headEnd = try await fill(
            until: { Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: $0) }, limit: Self.maximumHeadBytes)
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            throw Failure.malformed("bad request line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("bad header line") }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let (path, query) = HTTPRequest.split(target: String(requestLine[1]))
        var request = HTTPRequest(method: String(requestLine[0]), path: path, query: query, headers: headers, body: [])
        if request.header("Expect")?.lowercased() == "100-continue" { try await onExpectContinue() }
        if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            request.body = try await readChunkedBody()
        } else if let lengthText = request.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else { throw Failure.malformed("bad Content-Length") }
            guard length <= Self.maximumBodyBytes else { throw Failure.tooLarge(status: 413) }
            _ = try await fill(until: { $0.count >= length ? length : nil }, limit: Self.maximumBodyBytes)
            request.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        }
        return request
    }

    private mutating func readChunkedBody() async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try await fill(until: { Self.find([0x0D, 0x0A], in: $0) }, limit: 1024)
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Failure.malformed("bad chunk size")
            }
            guard body.count + size <= Self.maximumBodyBytes else { throw Failure.tooLarge(status: 413) }
            _ = try await fill(until: { $0.count >= size + 2 ? size : nil }, limit: Self.maximumBodyBytes + 2)
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }

    /// Reads until `found` reports a position in the buffer.
    private mutating func fill(until found: ([UInt8]) -> Int?, limit: Int) async throws -> Int {
        while true {
            if let position = found(buffer) { return position }
            guard buffer.count <= limit else { throw Failure.tooLarge(status: 431) }
            let bytes = try await stream.read(maxBytes: 64 * 1024, deadline: .after(idleDeadline))
            if bytes.isEmpty { throw Failure.closed }
            buffer += bytes
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<index + needle.count]) == needle { return index }
        }
        return nil
    }
}
