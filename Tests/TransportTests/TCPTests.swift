import Testing
import Transport

@Suite("TCP over loopback", .timeLimit(.minutes(2)))
struct TCPTests {
    @Test("Binding to port 0 reports the port the kernel chose")
    func portZero() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        #expect(listener.port != 0)
        #expect(listener.localAddress.description == "127.0.0.1:\(listener.port)")
    }

    @Test("A message round-trips through the echo server, and addresses describe both ends")
    func echoRoundTrip() async throws {
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
            defer { connection.close() }
            #expect(connection.peerDescription == "127.0.0.1:\(listener.port)")
            #expect(connection.localDescription.hasPrefix("127.0.0.1:"))
            let message = Array("hello, transport".utf8)
            try await connection.write(message, deadline: .after(.seconds(5)))
            let reply = try await readExactly(message.count, from: connection, deadline: .after(.seconds(5)))
            #expect(reply == message)
        }
    }

    @Test("IPv6 loopback works for listening and connecting")
    func ipv6() async throws {
        try await withEchoServer(host: "::1") { listener in
            #expect(listener.localAddress.family == .ipv6)
            let connection = try await TCPClient.connect(host: "::1", port: listener.port, timeout: .seconds(5))
            defer { connection.close() }
            #expect(connection.peerDescription == "[::1]:\(listener.port)")
            try await connection.write([1, 2, 3], deadline: .after(.seconds(5)))
            #expect(try await readExactly(3, from: connection, deadline: .after(.seconds(5))) == [1, 2, 3])
        }
    }

    @Test("A host name is resolved off the cooperative pool and connected to")
    func resolvesLocalhost() async throws {
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "localhost", port: listener.port, timeout: .seconds(10))
            defer { connection.close() }
            try await connection.write([7], deadline: .after(.seconds(5)))
            #expect(try await readExactly(1, from: connection, deadline: .after(.seconds(5))) == [7])
        }
    }

    @Test("An unresolvable name fails with addressResolutionFailed")
    func unresolvableName() async throws {
        let error = await transportError {
            _ = try await TCPClient.connect(host: "no-such-host.invalid", port: 80, timeout: .seconds(10))
        }
        #expect(error?.kind == .addressResolutionFailed || error?.kind == .timedOut)
    }

    @Test("A hundred concurrent connections each get their own bytes back")
    func manyConcurrentConnections() async throws {
        try await withEchoServer { listener in
            let port = listener.port
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<100 {
                    group.addTask {
                        let connection = try await TCPClient.connect(
                            host: "127.0.0.1", port: port, timeout: .seconds(10))
                        defer { connection.close() }
                        for round in 0..<5 {
                            let message = pattern(count: 100 + client * 7 + round, seed: UInt8(client))
                            try await connection.write(message, deadline: .after(.seconds(20)))
                            let reply = try await readExactly(
                                message.count, from: connection, deadline: .after(.seconds(20)))
                            #expect(reply == message)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("16 MiB goes to the server and all of it comes back intact")
    func largeTransferBothWays() async throws {
        let size = 16 * 1024 * 1024
        let payload = pattern(count: size)
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
            defer { connection.close() }
            async let sent: Void = connection.write(payload, deadline: .after(.seconds(60)))
            let received = try await readExactly(size, from: connection, deadline: .after(.seconds(60)))
            try await sent
            #expect(received.count == size)
            #expect(received == payload)
        }
    }

    @Test("Connecting to a closed port fails clearly with connectionRefused")
    func connectionRefused() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        let error = await transportError {
            _ = try await TCPClient.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.operation == .connect)
        #expect(error?.peer == "127.0.0.1:\(port)")
        #expect(error?.description.contains("Connection refused") == true)
    }

    @Test("Connecting to a listener whose backlog is full times out")
    func connectTimeoutOnFullBacklog() async throws {
        // Nobody accepts, so after a couple of connections the accept queue is full and the
        // kernel drops further SYNs: the next connect can only end by its deadline.
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0, backlog: 1)
        defer { listener.close() }
        var held: [TCPConnection] = []
        defer {
            for connection in held { connection.close() }
        }
        var timedOut = false
        for _ in 0..<16 {
            do {
                held.append(
                    try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .milliseconds(300)))
            } catch let error as TransportError {
                #expect(error.kind == .timedOut)
                #expect(error.operation == .connect)
                timedOut = true
                break
            }
        }
        #expect(timedOut)
    }

    @Test("A read with a deadline on a silent connection throws timedOut")
    func readDeadline() async throws {
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
            defer { connection.close() }
            let error = await transportError {
                _ = try await connection.read(maxBytes: 10, deadline: .after(.milliseconds(100)))
            }
            #expect(error?.kind == .timedOut)
            #expect(error?.operation == .read)
        }
    }

    @Test("A write to a peer that never reads throws timedOut at its deadline")
    func writeDeadline() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
        defer { client.close() }
        let server = try await listener.accept(deadline: .after(.seconds(5)))
        defer { server.close() }
        // Far more than the socket buffers can hold, so the write must block.
        let error = await transportError {
            try await client.write([UInt8](repeating: 0, count: 64 * 1024 * 1024), deadline: .after(.milliseconds(300)))
        }
        #expect(error?.kind == .timedOut)
        #expect(error?.operation == .write)
    }

    @Test("Cancelling a task blocked in read throws CancellationError")
    func cancelBlockedRead() async throws {
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
            defer { connection.close() }
            let reader = Task { try await connection.read(maxBytes: 10, deadline: .never) }
            try await EventLoop.shared.sleep(until: .after(.milliseconds(30)))
            reader.cancel()
            await #expect(throws: CancellationError.self) { _ = try await reader.value }
            // The connection is still usable after the cancelled read.
            try await connection.write([9], deadline: .after(.seconds(5)))
            #expect(try await readExactly(1, from: connection, deadline: .after(.seconds(5))) == [9])
        }
    }

    @Test("Closing a connection wakes its blocked reader with closed, and later calls fail with closed")
    func closeWakesReader() async throws {
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
            let reader = Task { try await connection.read(maxBytes: 10, deadline: .after(.seconds(20))) }
            try await EventLoop.shared.sleep(until: .after(.milliseconds(30)))
            connection.close()
            let error = await transportError { _ = try await reader.value }
            #expect(error?.kind == .closed)
            let late = await transportError { try await connection.write([1], deadline: .after(.seconds(1))) }
            #expect(late?.kind == .closed)
        }
    }

    @Test("The peer closing shows up as end of stream, and writing afterwards fails")
    func peerCloseIsEndOfStream() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
        defer { client.close() }
        let server = try await listener.accept(deadline: .after(.seconds(5)))
        server.close()
        #expect(try await client.read(maxBytes: 10, deadline: .after(.seconds(5))).isEmpty)
        // The first write may still be accepted by the kernel; the peer's RST fails a later one.
        let error = await transportError {
            for _ in 0..<50 {
                try await client.write([UInt8](repeating: 1, count: 1024), deadline: .after(.seconds(5)))
                try await EventLoop.shared.sleep(until: .after(.milliseconds(10)))
            }
        }
        #expect(error?.kind == .connectionReset)
    }

    @Test("Closing the listener ends its connection sequence")
    func listenerCloseEndsSequence() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        let acceptor = Task {
            var count = 0
            for try await connection in listener.connections {
                connection.close()
                count += 1
            }
            return count
        }
        let client = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
        defer { client.close() }
        #expect(try await client.read(maxBytes: 1, deadline: .after(.seconds(5))).isEmpty)
        listener.close()
        #expect(try await acceptor.value == 1)
    }

    @Test("Binding a port that is already in use fails with addressUnavailable")
    func bindInUse() async throws {
        let first = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { first.close() }
        let error = await transportError { _ = try await TCPListener.bind(host: "127.0.0.1", port: first.port) }
        #expect(error?.kind == .addressUnavailable)
        #expect(error?.operation == .bind)
    }
}

@Suite("Closing under load", .timeLimit(.minutes(2)))
struct CloseRaceTests {
    @Test("Closing connections while reads and writes are in flight ends every call cleanly")
    func closeDuringIO() async throws {
        try await withEchoServer { listener in
            for round in 0..<100 {
                let connection = try await TCPClient.connect(
                    host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
                let reader = Task {
                    while try await !connection.read(maxBytes: 4096, deadline: .after(.seconds(10))).isEmpty {}
                }
                let writer = Task {
                    for _ in 0..<64 {
                        try await connection.write(
                            pattern(count: 16 * 1024, seed: UInt8(round % 256)), deadline: .after(.seconds(10)))
                    }
                }
                if round % 2 == 0 { await Task.yield() }
                connection.close()
                // Each call either finished or failed with a transport error; none hangs or crashes.
                for outcome in [await reader.result, await writer.result] {
                    if case .failure(let error) = outcome {
                        #expect(error is TransportError, "unexpected \(error)")
                    }
                }
            }
        }
    }

    @Test("Closing TLS connections while reads and writes are in flight ends every call cleanly")
    func closeDuringTLSIO() async throws {
        let pki = try await TestPKI.shared.value
        let server = try TLSTests.serverContext(pki)
        let client = try TLSTests.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: server) { listener in
            for round in 0..<30 {
                let connection = try await TLSClient.connect(
                    host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
                let reader = Task {
                    while try await !connection.read(maxBytes: 4096, deadline: .after(.seconds(10))).isEmpty {}
                }
                let writer = Task {
                    for _ in 0..<64 {
                        try await connection.write(
                            pattern(count: 16 * 1024, seed: UInt8(round)), deadline: .after(.seconds(10)))
                    }
                }
                await Task.yield()
                connection.close()
                for outcome in [await reader.result, await writer.result] {
                    if case .failure(let error) = outcome {
                        #expect(error is TransportError, "unexpected \(error)")
                    }
                }
            }
        }
    }
}
