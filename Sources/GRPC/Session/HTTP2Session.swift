import HTTP2
import Logging
import Synchronization
import Transport

/// One HTTP/2 connection carrying gRPC calls: the shell around the sans-I/O `HTTP2Connection`.
///
/// `run()` drives three tasks: a reader feeding received bytes to the engine, a writer taking
/// the engine's output to the socket (so a slow socket never blocks the engine or the calls),
/// and a timer for keepalive and the handshake deadline. Calls use the stream methods in
/// `+Streams`; everything they share is in `SessionState` behind one lock.
final class HTTP2Session: Sendable {
    let transport: any ByteStream
    let configuration: SessionConfiguration
    let logger: Logger
    let state: Mutex<SessionState>
    /// Server side: streams the peer opened. Finishes when the connection stops accepting.
    let incomingStreams: AsyncStream<IncomingStream>
    private let epoch: ContinuousClock.Instant

    init(role: HTTP2Role, transport: any ByteStream, configuration: SessionConfiguration, logger: Logger)
        throws(GRPCStatus)
    {
        var http2 = configuration.http2
        http2.inboundFlowControl = .manual
        let engine: HTTP2Connection
        do {
            engine = try HTTP2Connection(role: role, configuration: http2)
        } catch {
            throw GRPCStatus(.invalidArgument, "invalid HTTP/2 configuration: \(error)")
        }
        self.transport = transport
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "grpc.peer"] = "\(transport.peerDescription)"
        self.logger = logger
        self.epoch = ContinuousClock.now
        var state = SessionState(engine: engine, configuration: configuration, now: .zero)
        let (stream, continuation) = AsyncStream.makeStream(of: IncomingStream.self)
        incomingStreams = stream
        if role == .server {
            state.incoming = continuation
        } else {
            continuation.finish()
        }
        self.state = Mutex(state)
    }

    /// Monotonic time since the session started, the engine's and the timers' clock.
    func now() -> Duration {
        ContinuousClock.now - epoch
    }

    /// Runs until the socket is closed; returns the status that ended the connection.
    @discardableResult
    func run() async -> GRPCStatus {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runReader() }
            group.addTask { await self.runWriter() }
            group.addTask { await self.runTimers() }
            // Reader and writer end together (each closes the socket on its way out); the
            // timers run until cancelled.
            _ = await group.next()
            _ = await group.next()
            group.cancelAll()
        }
        return withState { $0.phase.terminalStatus } ?? GRPCStatus(.unavailable, "connection closed")
    }

    private func runReader() async {
        var ending = GRPCStatus(.unavailable, "connection closed by the peer")
        do {
            while true {
                let bytes = try await transport.read(maxBytes: SessionConfiguration.readChunkSize, deadline: .never)
                guard !bytes.isEmpty else { break }
                let now = now()
                // Once the connection is closing, this still reads (and the state ignores what
                // it reads), so unread input never makes the kernel answer our GOAWAY with RST.
                withState { $0.receive(bytes, at: now, logger: logger) }
            }
        } catch {
            ending = GRPCStatus(.unavailable, "connection lost: \(error)")
        }
        logger.debug("grpc connection read side ended", metadata: ["grpc.reason": "\(ending.message)"])
        withState { state in
            state.markClosed(ending)
            state.readerEnded()
        }
        transport.close()
    }

    private func runWriter() async {
        while let bytes = await nextOutput() {
            let closing = withState { $0.phase.terminalStatus != nil }
            let timeout = closing ? configuration.closeFlushTimeout : configuration.writeTimeout
            do {
                try await transport.write(bytes, deadline: .after(timeout))
            } catch {
                withState { $0.markClosed(GRPCStatus(.unavailable, "connection lost while writing: \(error)")) }
                break
            }
        }
        let lingering = withState { state in
            if case .closing(_, lingers: true) = state.phase { return true }
            return false
        }
        if lingering {
            await lingerForPeer()
        }
        withState { $0.markClosed(GRPCStatus(.unavailable, "connection closed")) }
        transport.close()
    }

    /// After a GOAWAY we closed on, gives the peer a moment to read it and close first: closing
    /// a socket with unread input makes the kernel send RST, and the peer may lose the GOAWAY.
    private func lingerForPeer() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        self.withState { $0.awaitReaderEnd(continuation) }
                    }
                } onCancel: {
                    self.withStateFromCancellation { $0.stopAwaitingReaderEnd() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: self.configuration.lingerTimeout)
            }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// The next bytes to write; nil once the connection is finished.
    private func nextOutput() async -> [UInt8]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                withState { state in
                    if let output = state.takeOutput() {
                        continuation.resume(returning: output)
                    } else if state.isFinished || Task.isCancelled {
                        continuation.resume(returning: nil)
                    } else {
                        state.writerWaiter = continuation
                    }
                }
            }
        } onCancel: {
            withStateFromCancellation { $0.markClosed(GRPCStatus(.unavailable, "connection cancelled")) }
        }
    }

    /// Flushes what is queued, then closes the socket; calls still open fail with `status`.
    func close(_ status: GRPCStatus) {
        withState { state in
            state.close(after: status)
            state.wakeWriterIfNeeded()
        }
    }

    /// Sends GOAWAY (no new streams) and closes once the streams in progress end.
    func drain() {
        withState { state in
            guard case .active = state.phase else { return }
            state.engine.goAway(code: .noError)
            state.phase = .draining
            state.incoming?.finish()
            state.incoming = nil
            state.wakeWriterIfNeeded()
        }
    }

    var peerComplainedAboutPings: Bool { withState { $0.peerComplainedAboutPings } }

    /// True while new streams may be opened on this connection.
    var isAcceptingStreams: Bool {
        withState { state in
            if case .active = state.phase { return true }
            return false
        }
    }
}

extension HTTP2Session {
    /// Runs `body` under the lock, then the callbacks it queued, outside the lock (they may
    /// cancel tasks whose cancellation handlers take the lock again).
    func withState<Result, Failure: Error>(_ body: (inout SessionState) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        let (result, callbacks) = try state.withLock { (state) throws(Failure) -> (Result, [@Sendable () -> Void]) in
            let result = try body(&state)
            let callbacks = state.pendingCallbacks
            state.pendingCallbacks.removeAll()
            return (result, callbacks)
        }
        for callback in callbacks {
            callback()
        }
        return result
    }

    /// `withState` for task cancellation handlers.
    ///
    /// Swift runs a cancellation handler holding the cancelled task's status lock, while
    /// `withState` bodies resume continuations under the session lock, and resuming a task takes
    /// its status lock. A handler that waited for the session lock could therefore deadlock with
    /// a body resuming the very task being cancelled (seen in CI). So the handler takes the
    /// session lock only if it is free; otherwise the change runs a moment later from a task of
    /// its own. Every handler body only wakes or fails waiters, which is as right later as now.
    func withStateFromCancellation(_ body: @escaping @Sendable (inout SessionState) -> Void) {
        let callbacks = state.withLockIfAvailable { (state) -> [@Sendable () -> Void] in
            body(&state)
            defer { state.pendingCallbacks.removeAll() }
            return state.pendingCallbacks
        }
        guard let callbacks else {
            Task { self.withState(body) }
            return
        }
        for callback in callbacks { callback() }
    }

    /// Calls `onAbort` if the stream is reset or the connection dies before the call ends
    /// (at once if that already happened).
    func observeAbort(_ id: StreamID, _ onAbort: @escaping @Sendable () -> Void) {
        let alreadyAborted = withState { state in
            guard state.phase.terminalStatus == nil, state.slots[id] != nil, state.engine.streamState(id) != nil
            else { return true }
            if case .closed(by: let closedBy)? = state.engine.streamState(id),
                closedBy == .receivedReset || closedBy == .sentReset
            {
                return true
            }
            state.slots[id]?.onAbort = onAbort
            return false
        }
        if alreadyAborted { onAbort() }
    }
}
