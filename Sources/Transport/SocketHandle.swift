import Glibc
import Synchronization

/// Owns one non-blocking socket descriptor and makes closing it safe while other tasks use it.
///
/// Two races are closed here. (1) A task about to wait on the descriptor while another closes
/// it: `close` sets `isCloseRequested` before it takes the loop lock to wake the waiters, and the
/// loop checks the flag under that lock before registering, so no wait outlives the close.
/// (2) A task inside `recv`/`send` while another closes it: the number could be reused by a
/// new socket mid-call, so `close(2)` is deferred until no call is in flight.
final class SocketHandle: Sendable {
    private struct Usage {
        var callsInFlight = 0
        var isClosed = false
    }

    let loop: EventLoop
    /// The descriptor number. Once the handle is shared, system calls go through
    /// `withDescriptor`; direct use is only for setup before that (options, addresses).
    let descriptor: Int32
    private let closeRequested = Atomic<Bool>(false)
    private let usage = Mutex(Usage())

    init(descriptor: Int32, loop: EventLoop) {
        self.descriptor = descriptor
        self.loop = loop
    }

    deinit {
        // The last owner dropped the socket without closing it: release the descriptor anyway.
        close()
    }

    var isCloseRequested: Bool { closeRequested.load(ordering: .acquiring) }

    /// Runs a non-blocking system call on the descriptor, unless a close has begun.
    func withDescriptor<Result>(
        operation: TransportError.Operation, peer: String?, _ body: (Int32) throws(TransportError) -> Result
    ) throws(TransportError) -> Result {
        let admitted = usage.withLock { usage in
            guard !usage.isClosed, !isCloseRequested else { return false }
            usage.callsInFlight += 1
            return true
        }
        guard admitted else { throw TransportError(kind: .closed, operation: operation, peer: peer) }
        defer { finishCall() }
        return try body(descriptor)
    }

    /// Suspends until the descriptor is ready for `interest` or `deadline` passes.
    func wait(
        for interest: IOInterest, deadline: Deadline, operation: TransportError.Operation, peer: String?
    ) async throws {
        try await loop.wait(for: .descriptor(descriptor, interest), deadline: deadline, closeGuard: self)
            .throwIfNotReady(operation: operation, peer: peer)
    }

    /// Wakes waiters with `.closed`, then closes the descriptor once no call is in flight.
    /// Idempotent.
    func close() {
        guard !closeRequested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        loop.forget(descriptor)
        closeIfIdle()
    }

    private func finishCall() {
        usage.withLock { $0.callsInFlight -= 1 }
        if isCloseRequested { closeIfIdle() }
    }

    private func closeIfIdle() {
        let shouldClose = usage.withLock { usage in
            guard usage.callsInFlight == 0, !usage.isClosed else { return false }
            usage.isClosed = true
            return true
        }
        if shouldClose { Glibc.close(descriptor) }
    }
}
