import HTTP1
import Logging
import Testing
import Transport

/// Answers with the caller's address, so that a test can tell which connection carried it.
private let whoAmI = ClosureResponder { request in
    HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array(request.remoteAddress.utf8))
}

private func withClient(
    idleTimeout: Duration = .seconds(60), _ body: (HTTP1Client) async throws -> Void
) async throws {
    let configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, idleTimeout: idleTimeout)
    let server = try await HTTPServer.bind(configuration, responder: whoAmI, logger: Logger(label: "test"))
    let task = Task { await server.run() }
    let client = HTTP1Client(configuration: HTTP1Client.Configuration(host: "127.0.0.1", port: server.port))
    defer {
        client.shutdown()
        server.close()
        task.cancel()
    }
    try await body(client)
}

private func get(_ client: HTTP1Client, reusing: Bool = true, close: Bool = false) async throws -> String {
    let request = HTTP1ClientRequest(method: "GET", target: "/", headers: close ? ["Connection": "close"] : [:])
    let response = try await client.perform(request, reusingConnection: reusing, deadline: .after(.seconds(10)))
    #expect(response.head.statusCode == 200)
    return String(decoding: try await response.readBody(limit: 1024, deadline: .after(.seconds(10))), as: UTF8.self)
}

@Suite("HTTP/1.1 client over TCP")
struct ClientTests {
    @Test("a connection whose response was read in full carries the next request")
    func keepAlive() async throws {
        try await withClient { client in
            let first = try await get(client)
            let second = try await get(client)
            #expect(first == second)
            #expect(client.idleConnectionCount == 1)
        }
    }

    @Test("a request on a fresh connection with Connection: close leaves nothing pooled")
    func freshAndClosed() async throws {
        try await withClient { client in
            let pooled = try await get(client)
            let fresh = try await get(client, reusing: false, close: true)
            #expect(pooled != fresh)
            #expect(client.idleConnectionCount == 1)
        }
    }

    @Test("a pooled connection the server closed while idle is replaced transparently")
    func staleConnection() async throws {
        try await withClient(idleTimeout: .milliseconds(100)) { client in
            let first = try await get(client)
            try await Task.sleep(for: .milliseconds(600))
            let second = try await get(client)
            #expect(first != second)
        }
    }

    @Test("a body larger than the limit is refused and its connection closed")
    func bodyLimit() async throws {
        try await withClient { client in
            let response = try await client.perform(
                HTTP1ClientRequest(method: "GET", target: "/"), reusingConnection: true, deadline: .after(.seconds(10)))
            await #expect(throws: HTTP1ResponseError.self) {
                _ = try await response.readBody(limit: 3, deadline: .after(.seconds(10)))
            }
            #expect(client.idleConnectionCount == 0)
        }
    }

    @Test("shutting the client down fails later requests")
    func shutdown() async throws {
        try await withClient { client in
            _ = try await get(client)
            client.shutdown()
            await #expect(throws: (any Error).self) { _ = try await get(client) }
        }
    }
}
