import Testing
import Transport
import TransportTestSupport

@Suite("In-memory stream pair", .timeLimit(.minutes(1)))
struct InMemoryStreamTests {
    @Test("Bytes written to one end are read from the other, in order, both ways")
    func bothDirections() async throws {
        let (a, b) = InMemoryStream.makePair(names: ("client", "server"))
        #expect(a.peerDescription == "server")
        #expect(b.localDescription == "server")
        try await a.write([1, 2, 3], deadline: .after(.seconds(5)))
        try await b.write([9], deadline: .after(.seconds(5)))
        #expect(try await readExactly(3, from: b, deadline: .after(.seconds(5))) == [1, 2, 3])
        #expect(try await a.read(maxBytes: 10, deadline: .after(.seconds(5))) == [9])
    }

    @Test("A read returns at most maxBytes and leaves the rest buffered")
    func partialReads() async throws {
        let (a, b) = InMemoryStream.makePair()
        try await a.write([1, 2, 3, 4, 5], deadline: .after(.seconds(5)))
        #expect(try await b.read(maxBytes: 2, deadline: .after(.seconds(5))) == [1, 2])
        #expect(try await b.read(maxBytes: 10, deadline: .after(.seconds(5))) == [3, 4, 5])
    }

    @Test("A write larger than the buffer waits for the reader and then completes")
    func backpressure() async throws {
        let (a, b) = InMemoryStream.makePair(capacity: 1024)
        let payload = pattern(count: 1024 * 1024)
        async let sent: Void = a.write(payload, deadline: .after(.seconds(20)))
        let received = try await readExactly(payload.count, from: b, deadline: .after(.seconds(20)))
        try await sent
        #expect(received == payload)
    }

    @Test("A write to a full buffer that nobody drains throws timedOut at its deadline")
    func writeDeadline() async {
        let (a, _) = InMemoryStream.makePair(capacity: 16)
        let error = await transportError { try await a.write(pattern(count: 64), deadline: .after(.milliseconds(50))) }
        #expect(error?.kind == .timedOut)
        #expect(error?.operation == .write)
    }

    @Test("A read with nothing to read throws timedOut at its deadline")
    func readDeadline() async {
        let (a, _) = InMemoryStream.makePair()
        let error = await transportError { _ = try await a.read(maxBytes: 1, deadline: .after(.milliseconds(50))) }
        #expect(error?.kind == .timedOut)
    }

    @Test("Cancelling a blocked read throws CancellationError")
    func cancellation() async throws {
        let (a, _) = InMemoryStream.makePair()
        let reader = Task { try await a.read(maxBytes: 1, deadline: .never) }
        try await EventLoop.shared.sleep(until: .after(.milliseconds(20)))
        reader.cancel()
        await #expect(throws: CancellationError.self) { _ = try await reader.value }
    }

    @Test("Closing one end: the peer drains buffered bytes, then sees end of stream; its writes fail")
    func closeSemantics() async throws {
        let (a, b) = InMemoryStream.makePair()
        try await a.write([1, 2], deadline: .after(.seconds(5)))
        a.close()
        #expect(try await b.read(maxBytes: 10, deadline: .after(.seconds(5))) == [1, 2])
        #expect(try await b.read(maxBytes: 10, deadline: .after(.seconds(5))).isEmpty)
        let write = await transportError { try await b.write([3], deadline: .after(.seconds(5))) }
        #expect(write?.kind == .connectionReset)
        let own = await transportError { _ = try await a.read(maxBytes: 1, deadline: .after(.seconds(5))) }
        #expect(own?.kind == .closed)
    }

    @Test("Closing an end wakes its own blocked reader with closed")
    func closeWakesReader() async throws {
        let (a, _) = InMemoryStream.makePair()
        let reader = Task { try await a.read(maxBytes: 1, deadline: .after(.seconds(20))) }
        try await EventLoop.shared.sleep(until: .after(.milliseconds(20)))
        a.close()
        let error = await transportError { _ = try await reader.value }
        #expect(error?.kind == .closed)
    }
}

@Suite("Fault-injecting stream", .timeLimit(.minutes(1)))
struct FaultInjectingStreamTests {
    @Test("With no faults it passes bytes through unchanged")
    func transparent() async throws {
        let (a, b) = InMemoryStream.makePair()
        let faulty = FaultInjectingStream(wrapping: a)
        try await faulty.write([1, 2, 3], deadline: .after(.seconds(5)))
        #expect(try await readExactly(3, from: b, deadline: .after(.seconds(5))) == [1, 2, 3])
        try await b.write([4], deadline: .after(.seconds(5)))
        #expect(try await faulty.read(maxBytes: 8, deadline: .after(.seconds(5))) == [4])
    }

    @Test("Dropped outbound bytes never arrive, though the write succeeds")
    func dropsOutbound() async throws {
        let (a, b) = InMemoryStream.makePair()
        let faulty = FaultInjectingStream(wrapping: a, faults: .init(dropsOutbound: true))
        try await faulty.write([1, 2, 3], deadline: .after(.seconds(5)))
        let error = await transportError { _ = try await b.read(maxBytes: 8, deadline: .after(.milliseconds(50))) }
        #expect(error?.kind == .timedOut)
        // Healing the partition lets later bytes through; the dropped ones stay lost.
        faulty.faults = .none
        try await faulty.write([4], deadline: .after(.seconds(5)))
        #expect(try await b.read(maxBytes: 8, deadline: .after(.seconds(5))) == [4])
    }

    @Test("Dropped inbound bytes are discarded and the read waits until its deadline")
    func dropsInbound() async throws {
        let (a, b) = InMemoryStream.makePair()
        let faulty = FaultInjectingStream(wrapping: a, faults: .init(dropsInbound: true))
        try await b.write([1, 2, 3], deadline: .after(.seconds(5)))
        let error = await transportError { _ = try await faulty.read(maxBytes: 8, deadline: .after(.milliseconds(50))) }
        #expect(error?.kind == .timedOut)
    }

    @Test("A delay holds each write back but delivers it")
    func delay() async throws {
        let (a, b) = InMemoryStream.makePair()
        let faulty = FaultInjectingStream(wrapping: a, faults: .init(delay: .milliseconds(20)))
        try await faulty.write([7], deadline: .after(.seconds(5)))
        #expect(try await b.read(maxBytes: 8, deadline: .after(.seconds(5))) == [7])
    }

    @Test("Cutting the link: the peer sees end of stream, our reads and writes fail with connectionReset")
    func cut() async throws {
        let (a, b) = InMemoryStream.makePair()
        let faulty = FaultInjectingStream(wrapping: a)
        let reader = Task { try await faulty.read(maxBytes: 8, deadline: .after(.seconds(20))) }
        try await EventLoop.shared.sleep(until: .after(.milliseconds(20)))
        faulty.cut()
        let blocked = await transportError { _ = try await reader.value }
        #expect(blocked?.kind == .connectionReset)
        #expect(try await b.read(maxBytes: 8, deadline: .after(.seconds(5))).isEmpty)
        let write = await transportError { try await faulty.write([1], deadline: .after(.seconds(5))) }
        #expect(write?.kind == .connectionReset)
    }

    @Test("It wraps a real TCP connection too")
    func wrapsTCP() async throws {
        try await withEchoServer { listener in
            let connection = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
            let faulty = FaultInjectingStream(wrapping: connection, faults: .init(delay: .milliseconds(5)))
            defer { faulty.close() }
            try await faulty.write([1, 2], deadline: .after(.seconds(5)))
            #expect(try await readExactly(2, from: faulty, deadline: .after(.seconds(5))) == [1, 2])
        }
    }
}
