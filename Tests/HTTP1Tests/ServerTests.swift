import HTTP1
import Logging
import Testing
import Synchronization
import Transport

/// Runs a server on a loopback port for the duration of `body`.
private func withServer(
    _ configure: (inout HTTPServer.Configuration) -> Void = { _ in },
    responder: some HTTPResponder, _ body: (UInt16) async throws -> Void
) async throws {
    var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let server = try await HTTPServer.bind(configuration, responder: responder, logger: Logger(label: "test"))
    let task = Task { await server.run() }
    defer {
        server.close()
        task.cancel()
    }
    try await body(server.port)
}

/// Sends raw bytes and reads until the server closes or `until` matches.
private func exchange(
    port: UInt16, _ text: String, until: (String) -> Bool = { _ in false }, halfClose: Bool = false
) async throws -> String {
    let connection = try await TCPClient.connect(host: "127.0.0.1", port: port, deadline: .after(.seconds(5)))
    defer { connection.close() }
    try await connection.write(Array(text.utf8), deadline: .after(.seconds(5)))
    var received: [UInt8] = []
    for _ in 0..<1000 {
        let bytes = try await connection.read(maxBytes: 65536, deadline: .after(.seconds(10)))
        if bytes.isEmpty { break }
        received += bytes
        if until(String(decoding: received, as: UTF8.self)) { break }
    }
    return String(decoding: received, as: UTF8.self)
}

private let echo = ClosureResponder { request in
    HTTPResponse(
        status: 200, headers: ["Content-Type": "text/plain"],
        body: Array("\(request.method) \(request.target) \(request.body.count)".utf8))
}

@Suite("HTTP/1.1 server over TCP")
struct ServerTests {
    @Test("keep-alive connections serve several requests, then close on request")
    func keepAlive() async throws {
        try await withServer(responder: echo) { port in
            let reply = try await exchange(
                port: port,
                "GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
            )
            #expect(reply.contains("GET /one 0"))
            #expect(reply.contains("POST /two 3"))
            #expect(reply.contains("Connection: close"))
        }
    }

    @Test("an oversized body is answered 413 and the connection closed without reading it")
    func oversized() async throws {
        try await withServer({ $0.limits.maximumBodyBytes = 10 }, responder: echo) { port in
            let reply = try await exchange(
                port: port, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 413"))
            #expect(reply.contains("application/json"))
        }
    }

    @Test("a client that sends half a request is answered 408 after the request timeout")
    func slowClient() async throws {
        try await withServer({ $0.requestTimeout = .milliseconds(200) }, responder: echo) { port in
            let reply = try await exchange(port: port, "GET /a HTTP/1.1\r\nHost: x\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test("streamed bodies go out chunked and the producer learns when the stream ends")
    func streaming() async throws {
        let finished = TestFlag()
        let responder = ClosureResponder { _ in
            let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
            continuation.yield(Array("data: 1\n\n".utf8))
            continuation.yield(Array("data: 2\n\n".utf8))
            continuation.finish()
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "text/event-stream"],
                stream: ResponseStream(chunks: stream, finished: { finished.set() }))
        }
        try await withServer(responder: responder) { port in
            let reply = try await exchange(port: port, "GET /s HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(reply.contains("Transfer-Encoding: chunked"))
            #expect(reply.contains("data: 1"))
            #expect(reply.hasSuffix("0\r\n\r\n"))
        }
        #expect(finished.isSet)
    }

    @Test("HEAD answers the headers without the body")
    func head() async throws {
        try await withServer(responder: echo) { port in
            let reply = try await exchange(port: port, "HEAD /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(reply.contains("Content-Length: 9"))
            #expect(reply.hasSuffix("\r\n\r\n"))
        }
    }
}

final class TestFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
