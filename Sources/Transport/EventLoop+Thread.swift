import CTransportLinux
import Glibc
import Synchronization

/// The loop thread's entry point. A plain top-level function in a non-main file, so that
/// Swift 6 does not treat it as main-actor code when pthread calls it (ENVIRONMENT.md).
private func eventLoopThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    let loop = Unmanaged<EventLoop>.fromOpaque(argument).takeRetainedValue()
    loop.runUntilShutdown()
    return nil
}

extension EventLoop {
    /// Starts the loop thread; returns an errno on failure.
    func startThread(named name: String) -> Int32? {
        let retained = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, eventLoopThreadMain, retained)
        guard result == 0 else {
            Unmanaged<EventLoop>.fromOpaque(retained).release()
            return result
        }
        _ = pthread_setname_np(thread, String(name.utf8.prefix(15)) ?? "transport-loop")
        state.withLock { $0.thread = thread }
        return nil
    }

    /// The loop: sleep in epoll_wait until the next deadline, then wake whoever is due.
    func runUntilShutdown() {
        var events = [epoll_event](repeating: epoll_event(), count: TransportLimits.eventsPerWait)
        while let timeout = prepareToSleep() {
            let count = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epollDescriptor, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            if count < 0 {
                let code = errno
                // EBADF/EFAULT/EINVAL would mean the loop's own descriptor is broken: a bug.
                precondition(code == EINTR, "epoll_wait failed: \(SystemError.message(code))")
                continue
            }
            let due = collectWakeups(events[0..<Int(count)])
            for (continuation, outcome) in due { continuation.resume(returning: outcome) }
        }
        let woken = state.withLock { state in
            state.phase = .stopped
            return state.table.removeAll().woken
        }
        for continuation in woken { continuation.resume(returning: .closed) }
        closeDescriptors()
    }

    /// Computes the epoll timeout in milliseconds (-1 = forever); nil once shutting down.
    private func prepareToSleep() -> Int32? {
        state.withLock { state in
            guard state.phase == .running else { return nil }
            guard let next = state.table.nextDeadline() else {
                state.sleep = .forever
                return -1
            }
            state.sleep = .until(next)
            return Self.milliseconds(until: next)
        }
    }

    private func collectWakeups(_ events: ArraySlice<epoll_event>) -> [(Continuation, WaitOutcome)] {
        state.withLock { state in
            state.sleep = .awake
            var due: [(Continuation, WaitOutcome)] = []
            for event in events {
                let fd = withUnsafePointer(to: event) { ctransport_epoll_event_fd($0) }
                if fd == wakeDescriptor {
                    drainWakeCounter()
                    continue
                }
                let failure = Epoll.errorBits & event.events != 0
                let readable = failure || Epoll.readableBits & event.events != 0
                let writable = failure || Epoll.writableBits & event.events != 0
                let (woken, change) = state.table.descriptorBecameReady(fd, readable: readable, writable: writable)
                due += woken.map { ($0, .ready) }
                if let change { due += apply(change, to: &state) }
            }
            let (expired, changes) = state.table.expire(now: .now)
            due += expired.map { ($0, .timedOut) }
            for change in changes { due += apply(change, to: &state) }
            return due
        }
    }

    /// Applies a kernel interest change; if the kernel refuses, fails the descriptor's waiters.
    private func apply(_ change: InterestChange, to state: inout State) -> [(Continuation, WaitOutcome)] {
        guard let code = Epoll.apply(change, on: epollDescriptor) else { return [] }
        switch change {
        case .remove:
            return []
        case .add(let fd, _), .modify(let fd, _):
            let (woken, cleanup) = state.table.removeDescriptor(fd)
            if let cleanup { _ = Epoll.apply(cleanup, on: epollDescriptor) }
            return woken.map { ($0, .failed(errno: code)) }
        }
    }

    private func drainWakeCounter() {
        var counter: UInt64 = 0
        _ = Glibc.read(wakeDescriptor, &counter, MemoryLayout<UInt64>.size)
    }

    /// Rounds up, so that a wait never wakes before its deadline and spins.
    static func milliseconds(until instant: ContinuousClock.Instant) -> Int32 {
        let left = instant - ContinuousClock.now
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let millis = seconds * 1000 + (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        return Int32(clamping: millis)
    }
}

/// epoll bit masks and `epoll_ctl`, translated from `InterestChange`.
enum Epoll {
    static let readableBits = CTRANSPORT_EPOLLIN | CTRANSPORT_EPOLLRDHUP | CTRANSPORT_EPOLLPRI
    static let writableBits = CTRANSPORT_EPOLLOUT
    static let errorBits = CTRANSPORT_EPOLLERR | CTRANSPORT_EPOLLHUP

    static func mask(_ interest: InterestSet) -> UInt32 {
        var bits: UInt32 = 0
        if interest.contains(.readable) { bits |= CTRANSPORT_EPOLLIN | CTRANSPORT_EPOLLRDHUP }
        if interest.contains(.writable) { bits |= CTRANSPORT_EPOLLOUT }
        return bits
    }

    /// Performs the change; returns the errno on failure.
    static func apply(_ change: InterestChange, on epoll: Int32) -> Int32? {
        let result: Int32
        switch change {
        case .add(let fd, let interest):
            result = ctransport_epoll_ctl(epoll, EPOLL_CTL_ADD, fd, mask(interest))
        case .modify(let fd, let interest):
            result = ctransport_epoll_ctl(epoll, EPOLL_CTL_MOD, fd, mask(interest))
        case .remove(let fd):
            result = ctransport_epoll_ctl(epoll, EPOLL_CTL_DEL, fd, 0)
        }
        return result == 0 ? nil : errno
    }
}
