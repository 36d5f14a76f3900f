import Testing
import Transport

/// Echoes every byte back until end of stream, then closes.
func echo(_ stream: any ByteStream) async {
    defer { stream.close() }
    do {
        while true {
            let bytes = try await stream.read(maxBytes: 64 * 1024, deadline: .after(.seconds(30)))
            if bytes.isEmpty { return }
            try await stream.write(bytes, deadline: .after(.seconds(30)))
        }
    } catch {
        // The client went away or the test was cancelled: nothing to echo to.
    }
}

/// Runs `body` against a loopback echo server (plain TCP, or TLS when `tls` is given), then
/// stops the server and every connection task.
func withEchoServer<Result: Sendable>(
    host: String = "127.0.0.1", tls: TLSServerContext? = nil,
    _ body: @Sendable (TCPListener) async throws -> Result
) async throws -> Result {
    let listener = try await TCPListener.bind(host: host, port: 0)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            await withDiscardingTaskGroup { connections in
                do {
                    for try await connection in listener.connections {
                        connections.addTask {
                            guard let tls else { return await echo(connection) }
                            guard
                                let secured = try? await TLSConnection.accept(
                                    over: connection, context: tls, deadline: .after(.seconds(10)))
                            else { return }
                            await echo(secured)
                        }
                    }
                } catch is CancellationError {
                    // The test body finished and the server is being torn down.
                } catch {
                    Issue.record("accept failed: \(error)")
                }
            }
        }
        defer {
            listener.close()
            group.cancelAll()
        }
        return try await body(listener)
    }
}

/// Runs `body` and returns the `TransportError` it throws; records an issue if it throws
/// nothing or something else.
func transportError(
    _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async -> TransportError? {
    do {
        try await body()
        Issue.record("expected a TransportError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as TransportError {
        return error
    } catch {
        Issue.record("expected a TransportError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A deterministic byte pattern, so that a transfer can be checked without keeping a copy.
func pattern(count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ $0 / 251) }
}

/// Reads exactly `count` bytes (fewer only at end of stream).
func readExactly(_ count: Int, from stream: any ByteStream, deadline: Deadline) async throws -> [UInt8] {
    var received: [UInt8] = []
    received.reserveCapacity(count)
    while received.count < count {
        let chunk = try await stream.read(maxBytes: count - received.count, deadline: deadline)
        if chunk.isEmpty { break }
        received += chunk
    }
    return received
}
