import Synchronization
import Transport

/// One direction of an in-memory pipe: a bounded byte buffer with one writing and one reading
/// end, and async waits with deadlines and cancellation.
///
/// Every state change bumps `version` and wakes all waiters, which re-check their condition:
/// a condition-variable pattern, fine for the two parties a pipe has.
final class PipeBuffer: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var readOffset = 0
        var writerClosed = false
        var readerClosed = false
        var version: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]

        var buffered: Int { bytes.count - readOffset }

        mutating func changed() -> [CheckedContinuation<Bool, Never>] {
            version &+= 1
            defer { waiters = [:] }
            return Array(waiters.values)
        }
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Takes up to `maxBytes`; `[]` once the writer closed and the buffer is drained.
    func take(maxBytes: Int, deadline: Deadline, peer: String) async throws -> [UInt8] {
        while true {
            try Task.checkCancellation()
            enum Attempt {
                case taken([UInt8], wake: [CheckedContinuation<Bool, Never>])
                case closed
                case wait(version: UInt64)
            }
            let attempt: Attempt = state.withLock { state in
                if state.readerClosed { return .closed }
                if state.buffered > 0 {
                    let count = min(maxBytes, state.buffered)
                    let taken = Array(state.bytes[state.readOffset..<state.readOffset + count])
                    state.readOffset += count
                    if state.readOffset == state.bytes.count {
                        state.bytes = []
                        state.readOffset = 0
                    }
                    return .taken(taken, wake: state.changed())
                }
                if state.writerClosed { return .taken([], wake: []) }
                return .wait(version: state.version)
            }
            switch attempt {
            case .taken(let bytes, let wake):
                for waiter in wake { waiter.resume(returning: true) }
                return bytes
            case .closed:
                throw TransportError(kind: .closed, operation: .read, peer: peer)
            case .wait(let version):
                try await waitForChange(after: version, deadline: deadline, operation: .read, peer: peer)
            }
        }
    }

    /// Appends all of `bytes`, waiting for space while the buffer is full.
    func put(_ bytes: [UInt8], deadline: Deadline, peer: String) async throws {
        var offset = 0
        while offset < bytes.count {
            try Task.checkCancellation()
            enum Attempt {
                case put(Int, wake: [CheckedContinuation<Bool, Never>])
                case peerGone
                case closed
                case wait(version: UInt64)
            }
            let attempt: Attempt = state.withLock { state in
                if state.writerClosed { return .closed }
                if state.readerClosed { return .peerGone }
                let space = capacity - state.buffered
                guard space > 0 else { return .wait(version: state.version) }
                let count = min(space, bytes.count - offset)
                state.bytes += bytes[offset..<offset + count]
                return .put(count, wake: state.changed())
            }
            switch attempt {
            case .put(let count, let wake):
                offset += count
                for waiter in wake { waiter.resume(returning: true) }
            case .peerGone:
                throw TransportError(kind: .connectionReset, operation: .write, peer: peer, detail: "the reader closed")
            case .closed:
                throw TransportError(kind: .closed, operation: .write, peer: peer)
            case .wait(let version):
                try await waitForChange(after: version, deadline: deadline, operation: .write, peer: peer)
            }
        }
    }

    /// The writing end closed: the reader drains what is buffered, then sees end of stream.
    func closeWriter() {
        let wake = state.withLock { state in
            state.writerClosed = true
            return state.changed()
        }
        for waiter in wake { waiter.resume(returning: true) }
    }

    /// The reading end closed: buffered bytes are discarded and further writes fail.
    func closeReader() {
        let wake = state.withLock { state in
            state.readerClosed = true
            state.bytes = []
            state.readOffset = 0
            return state.changed()
        }
        for waiter in wake { waiter.resume(returning: true) }
    }

    /// Suspends until the state changes after `version`; throws on deadline or cancellation.
    private func waitForChange(
        after version: UInt64, deadline: Deadline, operation: TransportError.Operation, peer: String
    ) async throws {
        let id = state.withLock { state in
            defer { state.nextWaiterID &+= 1 }
            return state.nextWaiterID
        }
        // The timer starts only once the waiter is registered, so it cannot fire unnoticed.
        var timer: Task<Void, any Error>?
        let changed = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let registered = state.withLock { state in
                    guard state.version == version else { return false }
                    state.waiters[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(returning: true)
                    return
                }
                if let instant = deadline.instant {
                    timer = Task { [weak self] in
                        try await Task.sleep(until: instant, clock: .continuous)
                        self?.abandon(id)
                    }
                }
                if Task.isCancelled { abandon(id) }
            }
        } onCancel: {
            abandon(id)
        }
        timer?.cancel()
        if changed { return }
        try Task.checkCancellation()
        throw TransportError(kind: .timedOut, operation: operation, peer: peer)
    }

    /// Wakes waiter `id` without a change (deadline or cancellation), if it still waits.
    private func abandon(_ id: UInt64) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: false)
    }
}
