import Synchronization
public import Transport

/// Wraps a `ByteStream` and injects network faults, changeable while the stream is in use:
/// for failover and reconnect tests that need slow, partitioned or dying links.
///
/// - `delay`: every write waits this long before it is passed on, and every read waits this
///   long after data arrives (latency in both directions).
/// - `dropsOutbound`: writes succeed but the bytes vanish (a one-way partition; data is lost,
///   not queued, so the byte stream above is corrupted once the partition heals: treat it as
///   a connection that must be torn down, as TCP would after its retransmission timeout).
/// - `dropsInbound`: bytes arriving are discarded and reads wait until their deadline.
/// - `cut()`: the link dies: the wrapped stream is closed (the peer sees end of stream) and
///   our own reads and writes fail with `.connectionReset`, as after a TCP reset.
public final class FaultInjectingStream: ByteStream {
    public struct Faults: Sendable, Equatable {
        public var delay: Duration
        public var dropsOutbound: Bool
        public var dropsInbound: Bool

        public init(delay: Duration = .zero, dropsOutbound: Bool = false, dropsInbound: Bool = false) {
            self.delay = delay
            self.dropsOutbound = dropsOutbound
            self.dropsInbound = dropsInbound
        }

        public static let none = Faults()
    }

    private struct State {
        var faults: Faults
        var isCut = false
    }

    private let wrapped: any ByteStream
    private let state: Mutex<State>

    public var peerDescription: String { wrapped.peerDescription }
    public var localDescription: String { wrapped.localDescription }

    public init(wrapping wrapped: any ByteStream, faults: Faults = .none) {
        self.wrapped = wrapped
        self.state = Mutex(State(faults: faults))
    }

    public var faults: Faults {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// Kills the link (see the type's documentation). Idempotent.
    public func cut() {
        state.withLock { $0.isCut = true }
        wrapped.close()
    }

    public func read(maxBytes: Int, deadline: Deadline) async throws -> [UInt8] {
        while true {
            try throwIfCut(.read)
            let bytes: [UInt8]
            do {
                bytes = try await wrapped.read(maxBytes: maxBytes, deadline: deadline)
            } catch let error as TransportError where error.kind == .closed {
                try throwIfCut(.read)
                throw error
            }
            let faults = self.faults
            if faults.dropsInbound {
                // Lost in the partition. At end of stream there is nothing more to lose: wait
                // out the deadline, as a reader behind a partition would.
                if bytes.isEmpty {
                    try await EventLoop.shared.sleep(until: deadline)
                    throw TransportError(kind: .timedOut, operation: .read, peer: peerDescription)
                }
                continue
            }
            if faults.delay > .zero { try await Task.sleep(for: faults.delay) }
            return bytes
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline) async throws {
        try throwIfCut(.write)
        let faults = self.faults
        if faults.delay > .zero { try await Task.sleep(for: faults.delay) }
        try throwIfCut(.write)
        if faults.dropsOutbound { return }
        do {
            try await wrapped.write(bytes, deadline: deadline)
        } catch let error as TransportError where error.kind == .closed {
            try throwIfCut(.write)
            throw error
        }
    }

    public func close() {
        wrapped.close()
    }

    private func throwIfCut(_ operation: TransportError.Operation) throws(TransportError) {
        guard state.withLock({ $0.isCut }) else { return }
        throw TransportError(kind: .connectionReset, operation: operation, peer: peerDescription, detail: "link cut")
    }
}
