import Glibc
import Testing

@testable import Transport

@Suite("Event loop", .timeLimit(.minutes(1)))
struct EventLoopTests {
    /// A pipe whose ends are non-blocking, closed when the test ends.
    struct NonBlockingPipe: ~Copyable {
        let readEnd: Int32
        let writeEnd: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            readEnd = ends[0]
            writeEnd = ends[1]
            for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        }

        deinit {
            close(readEnd)
            close(writeEnd)
        }
    }

    @Test("A waiting task is woken when its descriptor becomes readable")
    func wakesOnReadable() async throws {
        let loop = try EventLoop(threadName: "test-readable")
        defer { loop.shutdown() }
        let pipe = try NonBlockingPipe()
        let readEnd = pipe.readEnd
        async let woke: Void = loop.waitReadable(readEnd, deadline: .after(.seconds(20)))
        var byte: UInt8 = 42
        #expect(write(pipe.writeEnd, &byte, 1) == 1)
        try await woke
    }

    @Test("A wait whose deadline passes throws timedOut")
    func deadlineFires() async throws {
        let loop = try EventLoop(threadName: "test-deadline")
        defer { loop.shutdown() }
        let pipe = try NonBlockingPipe()
        let error = await transportError {
            try await loop.waitReadable(pipe.readEnd, deadline: .after(.milliseconds(50)))
        }
        #expect(error?.kind == .timedOut)
    }

    @Test("A wait with a deadline already passed fails without registering")
    func passedDeadline() async throws {
        let pipe = try NonBlockingPipe()
        let error = await transportError {
            try await EventLoop.shared.waitWritable(pipe.writeEnd, deadline: .at(.now - .seconds(1)))
        }
        #expect(error?.kind == .timedOut)
    }

    @Test("Cancelling a waiting task resumes it with CancellationError")
    func cancellationResumes() async throws {
        let loop = try EventLoop(threadName: "test-cancel")
        defer { loop.shutdown() }
        let pipe = try NonBlockingPipe()
        let readEnd = pipe.readEnd
        let waiter = Task { try await loop.waitReadable(readEnd, deadline: .never) }
        try await loop.sleep(until: .after(.milliseconds(20)))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }

    @Test("sleep(until:) returns at its deadline and throws when cancelled")
    func sleepTimer() async throws {
        try await EventLoop.shared.sleep(until: .after(.milliseconds(10)))
        let sleeper = Task { try await EventLoop.shared.sleep(until: .never) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test("An earlier deadline registered while the loop sleeps still fires")
    func earlierDeadlineWakesLoop() async throws {
        let loop = try EventLoop(threadName: "test-earlier")
        defer { loop.shutdown() }
        let long = Task { try await loop.sleep(until: .after(.seconds(30))) }
        defer { long.cancel() }
        try await loop.sleep(until: .after(.milliseconds(20)))
    }

    @Test("forget(_:) wakes the descriptor's waiters with closed")
    func forgetWakesWithClosed() async throws {
        let loop = try EventLoop(threadName: "test-forget")
        defer { loop.shutdown() }
        let pipe = try NonBlockingPipe()
        let readEnd = pipe.readEnd
        let waiter = Task { try await loop.waitReadable(readEnd, deadline: .after(.seconds(20))) }
        try await loop.sleep(until: .after(.milliseconds(20)))
        loop.forget(readEnd)
        let error = await transportError { try await waiter.value }
        // Had the forget raced ahead of registration, the deadline would fire instead.
        #expect(error?.kind == .closed || error?.kind == .timedOut)
    }

    @Test("Shutting a loop down wakes its waiters with closed and refuses new waits")
    func shutdownWakesWaiters() async throws {
        let loop = try EventLoop(threadName: "test-shutdown")
        let waiter = Task { try await loop.sleep(until: .after(.seconds(20))) }
        try await EventLoop.shared.sleep(until: .after(.milliseconds(20)))
        loop.shutdown()
        let error = await transportError { try await waiter.value }
        #expect(error?.kind == .closed)
        let late = await transportError { try await loop.sleep(until: .after(.seconds(1))) }
        #expect(late?.kind == .closed)
    }

    @Test("Many concurrent timers all fire")
    func manyTimers() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await EventLoop.shared.sleep(until: .after(.milliseconds(index % 20))) }
            }
            try await group.waitForAll()
        }
    }
}
