import HTTP1
import SeededRandom
import Testing

/// Feeds `chunks` one at a time, then the end of the stream if `closes`; collects the events.
private func events(
    _ chunks: [String], method: String = "GET", closes: Bool = false,
    limits: HTTP1ResponseLimits = HTTP1ResponseLimits()
) throws -> [HTTP1ResponseParser.Event] {
    var parser = HTTP1ResponseParser(limits: limits, requestMethod: method)
    var collected: [HTTP1ResponseParser.Event] = []
    for chunk in chunks {
        parser.append(Array(chunk.utf8))
        for _ in 0..<1000 {
            guard let event = try parser.next() else { break }
            collected.append(event)
        }
    }
    if closes, let event = try parser.endOfStream() { collected.append(event) }
    return collected
}

/// The head and the body joined, or nil if the response did not end.
private func whole(_ events: [HTTP1ResponseParser.Event]) -> (head: HTTPResponseHead, body: String)? {
    guard case .head(let head) = events.first, events.last == .end else { return nil }
    var body: [UInt8] = []
    for case .body(let bytes) in events { body += bytes }
    return (head, String(decoding: body, as: UTF8.self))
}

private func failure(
    _ chunks: [String], method: String = "GET", closes: Bool = false,
    limits: HTTP1ResponseLimits = HTTP1ResponseLimits()
) -> HTTP1ResponseError? {
    do {
        _ = try events(chunks, method: method, closes: closes, limits: limits)
        return nil
    } catch let error as HTTP1ResponseError {
        return error
    } catch {
        return nil
    }
}

@Suite("HTTP/1.1 response parser")
struct ResponseParserTests {
    @Test("a Content-Length response is read whole, headers case-insensitively")
    func contentLength() throws {
        let response = whole(
            try events(["HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"]))
        #expect(response?.head.statusCode == 200)
        #expect(response?.head.headers["content-type"] == "application/json")
        #expect(response?.body == "{\"a\":1}")
        #expect(response?.head.allowsReuse == true)
    }

    @Test("a body split across many reads arrives in pieces and ends once")
    func splitBody() throws {
        let text = "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n0123456789"
        let response = whole(try events(text.map { String($0) }))
        #expect(response?.head.statusCode == 201)
        #expect(response?.body == "0123456789")
    }

    @Test("a chunked body with extensions and trailers is decoded")
    func chunked() throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n"
        let response = whole(try events([text]))
        #expect(response?.body == "hello, world")
        let byteByByte = whole(try events(text.map { String($0) }))
        #expect(byteByByte?.body == "hello, world")
    }

    @Test("a chunked watch stream yields each chunk as it arrives, before the body ends")
    func streamingChunks() throws {
        var parser = HTTP1ResponseParser(requestMethod: "GET")
        parser.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab".utf8))
        #expect(
            try parser.next() == .head(HTTPResponseHead(statusCode: 200, headers: ["Transfer-Encoding": "chunked"])))
        #expect(try parser.next() == .body(Array("ab".utf8)))
        #expect(try parser.next() == nil)
        parser.append(Array("cd\r\n".utf8))
        #expect(try parser.next() == .body(Array("cd".utf8)))
        #expect(try parser.next() == nil)
        #expect(!parser.isComplete)
    }

    @Test("without Content-Length or chunking the body runs until the connection closes")
    func untilClose() throws {
        let response = whole(try events(["HTTP/1.1 200 OK\r\n\r\nsome", " more"], closes: true))
        #expect(response?.body == "some more")
        #expect(try events(["HTTP/1.1 200 OK\r\n\r\nx"]).last != .end)
    }

    @Test("interim 1xx responses are skipped")
    func interim() throws {
        let response = whole(
            try events([
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                    + "HTTP/1.1 204 No Content\r\n\r\n"
            ]))
        #expect(response?.head.statusCode == 204)
        #expect(response?.body == "")
    }

    @Test("HEAD, 204 and 304 responses have no body whatever they announce")
    func bodiless() throws {
        #expect(whole(try events(["HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"], method: "HEAD"))?.body == "")
        #expect(whole(try events(["HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"]))?.body == "")
    }

    @Test("Connection: close and HTTP/1.0 forbid reuse; HTTP/1.0 keep-alive allows it")
    func reuse() throws {
        #expect(
            whole(try events(["HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n"]))?.head
                .allowsReuse == false)
        #expect(whole(try events(["HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"]))?.head.allowsReuse == false)
        #expect(
            whole(try events(["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"]))?.head
                .allowsReuse == true)
    }

    @Test("a missing reason phrase is accepted; bytes after the response are left buffered")
    func leftovers() throws {
        var parser = HTTP1ResponseParser(requestMethod: "GET")
        parser.append(Array("HTTP/1.1 404\r\nContent-Length: 1\r\n\r\nxGARBAGE".utf8))
        #expect(try parser.next() == .head(HTTPResponseHead(statusCode: 404, headers: ["Content-Length": "1"])))
        #expect(try parser.next() == .body([UInt8(ascii: "x")]))
        #expect(try parser.next() == .end)
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 7)
    }

    @Test(
        "malformed responses are refused",
        arguments: [
            "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 999 X\r\n\r\n",
            "HTTP/1.1 +20 OK\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1\r\n\r\n", "\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
            "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "HTTP/1.1 200 OK\r\nX: a\u{01}b\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        ])
    func malformed(text: String) {
        #expect(failure([text])?.kind == .malformed, "\(text.debugDescription)")
    }

    @Test("a parser that failed keeps failing")
    func staysFailed() {
        var parser = HTTP1ResponseParser(requestMethod: "GET")
        parser.append(Array("NOPE 200\r\n\r\n".utf8))
        #expect(throws: HTTP1ResponseError.self) { try parser.next() }
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(throws: HTTP1ResponseError.self) { try parser.next() }
    }

    @Test("a response cut short by the connection closing is truncated")
    func truncated() {
        #expect(failure(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"], closes: true)?.kind == .truncated)
        #expect(
            failure(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"], closes: true)?.kind == .truncated)
        #expect(failure(["HTTP/1.1 200 O"], closes: true)?.kind == .truncated)
        #expect(failure([], closes: true)?.kind == .truncated)
    }

    @Test("heads, header counts, interim responses and chunk lines are bounded")
    func limits() {
        let small = HTTP1ResponseLimits(
            maximumHeadBytes: 256, maximumHeaderCount: 4, maximumInterimResponses: 2, maximumChunkLineBytes: 16)
        #expect(
            failure(["HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 300)], limits: small)?.kind == .tooLarge)
        #expect(
            failure(["HTTP/1.1 200 OK\r\n" + String(repeating: "X: y\r\n", count: 5) + "\r\n"], limits: small)?.kind
                == .tooLarge)
        #expect(
            failure([String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 3)], limits: small)?.kind == .tooLarge)
        #expect(
            failure(
                ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 40)],
                limits: small)?.kind == .malformed)
        #expect(
            failure(
                [
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                        + String(repeating: "T: v\r\n", count: 80)
                ],
                limits: small)?.kind == .tooLarge)
    }

    @Test("random bytes after a valid head never crash the parser", arguments: 0..<20)
    func fuzz(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let prefixes = [
            "", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n",
        ]
        var parser = HTTP1ResponseParser(limits: HTTP1ResponseLimits(maximumHeadBytes: 512), requestMethod: "GET")
        parser.append(Array(prefixes[seed % prefixes.count].utf8))
        let alphabet = Array("0123456789abcdefXYZ :;\r\n\t\u{0}HTTP/1.".utf8)
        for _ in 0..<200 {
            let bytes = (0..<Int(generator.next() % 16)).map { _ in
                alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            parser.append(bytes)
            do {
                for _ in 0..<100 {
                    guard try parser.next() != nil else { break }
                }
            } catch {
                return
            }
        }
    }

    @Test("requests are encoded with Host and Content-Length, and header injection is refused")
    func requestEncoding() throws {
        let request = HTTP1ClientRequest(
            method: "PUT", target: "/api/v1/x?a=b", headers: ["Accept": "application/json"], body: Array("{}".utf8))
        let text = String(decoding: try request.encoded(host: "10.0.0.1:6443"), as: UTF8.self)
        #expect(
            text
                == "PUT /api/v1/x?a=b HTTP/1.1\r\nHost: 10.0.0.1:6443\r\nAccept: application/json\r\nContent-Length: 2\r\n\r\n{}"
        )
        #expect(throws: HTTP1RequestEncodingError.self) {
            try HTTP1ClientRequest(method: "GET", target: "/", headers: ["Authorization": "Bearer x\r\nEvil: 1"])
                .encoded(host: "h")
        }
        #expect(throws: HTTP1RequestEncodingError.self) {
            try HTTP1ClientRequest(method: "GET", target: "/a b").encoded(host: "h")
        }
        #expect(throws: HTTP1RequestEncodingError.self) {
            try HTTP1ClientRequest(method: "GE T", target: "/").encoded(host: "h")
        }
    }
}
