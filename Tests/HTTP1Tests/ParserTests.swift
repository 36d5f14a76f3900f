import HTTP1
import Testing
import TextBasics

private func parse(_ text: String, limits: HTTP1Limits = HTTP1Limits()) throws -> [HTTP1RequestParser.Output] {
    var parser = HTTP1RequestParser(limits: limits)
    parser.append(Array(text.utf8))
    var outputs: [HTTP1RequestParser.Output] = []
    for _ in 0..<100 {
        guard let output = try parser.next() else { break }
        outputs.append(output)
    }
    return outputs
}

private func parseError(_ text: String, limits: HTTP1Limits = HTTP1Limits()) -> HTTP1ParseError? {
    do {
        _ = try parse(text, limits: limits)
        return nil
    } catch let error as HTTP1ParseError {
        return error
    } catch {
        return nil
    }
}

@Suite("HTTP/1.1 request parser")
struct ParserTests {
    @Test("a GET request with headers and a query is parsed whole")
    func simpleGet() throws {
        let outputs = try parse("GET /api/v1/events?limit=5&type=a+b HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\r\n\r\n")
        guard case .request(let request) = outputs.first else {
            Issue.record("no request")
            return
        }
        #expect(request.method == "GET")
        #expect(request.path == "/api/v1/events")
        #expect(request.queryItems.map(\.name) == ["limit", "type"])
        #expect(request.queryItems.last?.value == "a b")
        #expect(request.headers["x-request-id"] == "abc")
        #expect(request.keepsConnectionAlive)
    }

    @Test("a body announced by Content-Length arrives split across reads")
    func contentLengthAcrossReads() throws {
        var parser = HTTP1RequestParser()
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
        var requests: [HTTPRequest] = []
        for byte in text.utf8 {
            parser.append([byte])
            while let output = try parser.next() {
                if case .request(let request) = output { requests.append(request) }
            }
        }
        #expect(requests.count == 1)
        #expect(requests.first?.body == Array("hello world".utf8))
    }

    @Test("chunked bodies are reassembled and trailers skipped")
    func chunked() throws {
        let outputs = try parse(
            "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n"
        )
        guard case .request(let request) = outputs.first else {
            Issue.record("no request")
            return
        }
        #expect(request.body == Array("hello world".utf8))
    }

    @Test("pipelined requests come out in order")
    func pipelined() throws {
        let outputs = try parse("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
        let targets = outputs.compactMap { output -> String? in
            if case .request(let request) = output { return request.target }
            return nil
        }
        #expect(targets == ["/1", "/2"])
    }

    @Test("Expect: 100-continue asks for the body before it is sent")
    func expectContinue() throws {
        let outputs = try parse("PUT /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        #expect(outputs == [.continueRequested])
    }

    @Test(
        "malformed or oversized requests are refused with the right status",
        arguments: [
            ("GET /a HTTP/1.1\r\n\r\n", 400),
            ("GET a HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            ("GET /a HTTP/2.0\r\nHost: x\r\n\r\n", 505),
            ("GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
            ("GET /a HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400),
            ("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
            ("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
            ("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n", 400),
            ("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            ("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", 413),
            ("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFF\r\n", 413),
            ("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ])
    func refused(text: String, status: Int) {
        let limits = HTTP1Limits(maximumBodyBytes: 1000)
        #expect(parseError(text, limits: limits)?.status == status)
    }

    @Test("a head larger than the limit is refused with 431 before it completes")
    func headTooLarge() {
        let limits = HTTP1Limits(maximumHeadBytes: 256)
        let text = "GET /a HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-A: 1\r\n", count: 100)
        #expect(parseError(text, limits: limits)?.status == 431)
    }

    @Test("too many header fields are refused with 431")
    func tooManyHeaders() {
        let limits = HTTP1Limits(maximumHeaderCount: 3)
        let text = "GET /a HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n"
        #expect(parseError(text, limits: limits)?.status == 431)
    }

    @Test("a long request target is refused with 414")
    func longTarget() {
        let limits = HTTP1Limits(maximumTargetBytes: 100)
        let text = "GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(parseError(text, limits: limits)?.status == 414)
    }

    @Test("percent decoding refuses broken escapes and invalid UTF-8")
    func percentDecoding() {
        #expect(PercentDecoding.decode("a%20b") == "a b")
        #expect(PercentDecoding.decode("%zz") == nil)
        #expect(PercentDecoding.decode("%ff") == nil)
        #expect(PercentDecoding.decode("a+b", plusIsSpace: true) == "a b")
    }

    @Test("HTTP/1.0 closes unless keep-alive is asked for; HTTP/1.1 closes on Connection: close")
    func keepAlive() throws {
        let old = try parse("GET / HTTP/1.0\r\n\r\n")
        let closing = try parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if case .request(let request) = old.first { #expect(!request.keepsConnectionAlive) }
        if case .request(let request) = closing.first { #expect(!request.keepsConnectionAlive) }
    }
}
