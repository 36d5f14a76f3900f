import CTransportLinux
import Glibc
import Synchronization

/// How a wait on the event loop ended.
enum WaitOutcome: Sendable, Equatable {
    /// The descriptor reported readiness (or an error/hangup; the caller's retry will see it).
    case ready
    /// The deadline passed first.
    case timedOut
    /// The waiting task was cancelled.
    case cancelled
    /// The descriptor was closed locally, or the loop shut down.
    case closed
    /// The kernel refused to watch the descriptor (epoll_ctl failed with this errno).
    case failed(errno: Int32)
}

/// One background thread running `epoll_wait`, waking async tasks when their descriptor is
/// ready or their deadline passes.
///
/// Tasks never block: a task that would block registers a checked continuation and suspends,
/// and the loop thread resumes it. The loop thread never runs user code; it only resumes
/// continuations. Level-triggered epoll keeps the bookkeeping simple: a descriptor is watched
/// exactly while some task waits on it (see `WaiterTable`).
public final class EventLoop: Sendable {
    /// The process-wide loop. One thread is plenty for this project's connection counts (tens
    /// of long-lived HTTP/2 connections); creation failing means the process is out of
    /// descriptors at startup, which is not recoverable.
    public static let shared: EventLoop = {
        do {
            return try EventLoop(threadName: "transport-loop")
        } catch {
            fatalError("cannot start the shared transport event loop: \(error)")
        }
    }()

    typealias Continuation = CheckedContinuation<WaitOutcome, Never>

    enum Phase: Equatable {
        case running
        case shuttingDown
        case stopped
    }

    /// What the loop thread is doing, so a new earlier deadline knows whether to wake it.
    enum Sleep: Equatable {
        case awake
        case forever
        case until(ContinuousClock.Instant)
    }

    struct State {
        var table = WaiterTable<Continuation>()
        var sleep = Sleep.awake
        var phase = Phase.running
        var thread: pthread_t?
    }

    let epollDescriptor: Int32
    let wakeDescriptor: Int32
    let state = Mutex(State())

    /// Starts a loop with its own thread (`threadName` is truncated to 15 bytes by the kernel).
    public init(threadName: String = "transport-loop") throws(TransportError) {
        let epoll = epoll_create1(CTRANSPORT_EPOLL_CLOEXEC)
        guard epoll >= 0 else { throw TransportError.fromErrno(errno, operation: .wait, peer: nil) }
        let wake = eventfd(0, CTRANSPORT_EFD_FLAGS)
        guard wake >= 0 else {
            let code = errno
            Glibc.close(epoll)
            throw TransportError.fromErrno(code, operation: .wait, peer: nil)
        }
        epollDescriptor = epoll
        wakeDescriptor = wake
        if let code = Epoll.apply(.add(fd: wake, .readable), on: epoll) {
            closeDescriptors()
            throw TransportError.fromErrno(code, operation: .wait, peer: nil)
        }
        if let code = startThread(named: threadName) {
            closeDescriptors()
            throw TransportError.fromErrno(code, operation: .wait, peer: nil)
        }
    }

    // MARK: Public waits on raw descriptors

    /// Suspends until `fd` is readable. Throws `TransportError` (`.timedOut`, `.closed`) or
    /// `CancellationError`. Call `forget(_:)` before closing a descriptor others may wait on.
    public func waitReadable(_ fd: Int32, deadline: Deadline) async throws {
        try await wait(for: .descriptor(fd, .readable), deadline: deadline, closeGuard: nil)
            .throwIfNotReady(operation: .read, peer: nil)
    }

    /// Suspends until `fd` is writable; see `waitReadable`.
    public func waitWritable(_ fd: Int32, deadline: Deadline) async throws {
        try await wait(for: .descriptor(fd, .writable), deadline: deadline, closeGuard: nil)
            .throwIfNotReady(operation: .write, peer: nil)
    }

    /// Suspends until `deadline` on the loop's timer. Throws `CancellationError` if cancelled
    /// first; returns at once for a passed deadline; with `.never`, waits for cancellation.
    public func sleep(until deadline: Deadline) async throws {
        switch await wait(for: .timer, deadline: deadline, closeGuard: nil) {
        case .timedOut, .ready: return
        case .cancelled: throw CancellationError()
        case .closed: throw TransportError(kind: .closed, operation: .wait)
        case .failed(let code): throw TransportError.fromErrno(code, operation: .wait, peer: nil)
        }
    }

    /// Wakes every task waiting on `fd` with `.closed` and stops watching it. Must be called
    /// before `close(fd)`, so that the number cannot be reused while still registered.
    public func forget(_ fd: Int32) {
        let woken = state.withLock { state in
            let (woken, change) = state.table.removeDescriptor(fd)
            // After shutdown the epoll descriptor is closed (its number may be reused).
            if let change, state.phase == .running { _ = Epoll.apply(change, on: epollDescriptor) }
            return woken
        }
        for continuation in woken { continuation.resume(returning: .closed) }
    }

    /// Stops the loop thread and wakes every waiter with `.closed`. For loops a test created;
    /// the shared loop runs for the life of the process. Idempotent.
    public func shutdown() {
        let thread: pthread_t? = state.withLock { state in
            guard state.phase == .running else { return nil }
            state.phase = .shuttingDown
            return state.thread
        }
        guard let thread else { return }
        signalWake()
        pthread_join(thread, nil)
    }

    // MARK: Internal wait

    /// Registers a wait and suspends until it ends. `closeGuard` lets a socket refuse new waits
    /// once its close has begun (checked under the loop lock; see `SocketHandle.close`).
    func wait(
        for target: WaiterTable<Continuation>.Target, deadline: Deadline, closeGuard: SocketHandle?
    ) async -> WaitOutcome {
        if deadline.hasPassed { return .timedOut }
        if Task.isCancelled { return .cancelled }
        let id = state.withLock { $0.table.makeID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Continuation) in
                register(id: id, target: target, deadline: deadline, closeGuard: closeGuard, continuation)
                // A cancellation that arrived before registration found nothing to remove.
                if Task.isCancelled { cancel(id: id) }
            }
        } onCancel: {
            cancel(id: id)
        }
    }

    private func register(
        id: UInt64, target: WaiterTable<Continuation>.Target, deadline: Deadline,
        closeGuard: SocketHandle?, _ continuation: Continuation
    ) {
        enum Registration {
            case waiting(wake: Bool)
            case refused(WaitOutcome, resume: [Continuation])
        }
        let registration: Registration = state.withLock { state in
            guard state.phase == .running, closeGuard?.isCloseRequested != true else {
                return .refused(.closed, resume: [continuation])
            }
            let change = state.table.add(id: id, target: target, deadline: deadline.instant, token: continuation)
            if let change, let code = Epoll.apply(change, on: epollDescriptor),
                case .descriptor(let fd, _) = target
            {
                // The kernel will not watch this descriptor: fail every waiter on it (ours is
                // among them, as it was just added).
                let (woken, cleanup) = state.table.removeDescriptor(fd)
                if let cleanup { _ = Epoll.apply(cleanup, on: epollDescriptor) }
                return .refused(.failed(errno: code), resume: woken)
            }
            guard let instant = deadline.instant else { return .waiting(wake: false) }
            let wake: Bool
            switch state.sleep {
            case .awake: wake = false
            case .forever: wake = true
            case .until(let planned): wake = instant < planned
            }
            if wake { state.sleep = .awake }
            return .waiting(wake: wake)
        }
        switch registration {
        case .waiting(let wake):
            if wake { signalWake() }
        case .refused(let outcome, let continuations):
            for waiting in continuations { waiting.resume(returning: outcome) }
        }
    }

    private func cancel(id: UInt64) {
        let removed: Continuation? = state.withLock { state in
            guard let (token, change) = state.table.remove(id: id) else { return nil }
            if let change { _ = Epoll.apply(change, on: epollDescriptor) }
            return token
        }
        removed?.resume(returning: .cancelled)
    }

    func signalWake() {
        var one: UInt64 = 1
        // EAGAIN means the counter is already non-zero: the loop will wake anyway.
        _ = Glibc.write(wakeDescriptor, &one, MemoryLayout<UInt64>.size)
    }

    func closeDescriptors() {
        Glibc.close(wakeDescriptor)
        Glibc.close(epollDescriptor)
    }
}

extension WaitOutcome {
    /// Maps a non-ready outcome to the error the waiting operation throws.
    func throwIfNotReady(operation: TransportError.Operation, peer: String?) throws {
        switch self {
        case .ready: return
        case .timedOut: throw TransportError(kind: .timedOut, operation: operation, peer: peer)
        case .cancelled: throw CancellationError()
        case .closed: throw TransportError(kind: .closed, operation: operation, peer: peer)
        case .failed(let code): throw TransportError.fromErrno(code, operation: operation, peer: peer)
        }
    }
}
