import HTTP2
import Logging
import Synchronization
import Transport

/// Getting calls a ready connection: attempts, waiting, and acting on the state machine.
extension GRPCChannel {
    private enum Lookup {
        case ready(HTTP2Session)
        case failed(GRPCStatus)
        case wait
    }

    /// A connection that accepts new streams, connecting if needed. Fails fast with the last
    /// connection error in transient failure unless `waitForReady`.
    func readySession(waitForReady: Bool) async throws -> HTTP2Session {
        while true {
            try Task.checkCancellation()
            let now = now()
            let lookup: Lookup = withState { state in
                if case .ready(let attempt) = state.machine.state {
                    if let session = state.session, session.isAcceptingStreams { return .ready(session) }
                    // GOAWAY received: calls in progress finish there; new ones need a new connection.
                    apply(state.machine.connectionClosed(attempt: attempt), to: &state)
                }
                apply(state.machine.connectionRequested(at: now), to: &state)
                switch state.machine.state {
                case .transientFailure(_, let error) where !waitForReady: return .failed(error)
                case .shutdown: return .failed(GRPCStatus(.unavailable, "channel is shut down"))
                case .idle, .connecting, .ready, .transientFailure: return .wait
                }
            }
            switch lookup {
            case .ready(let session): return session
            case .failed(let status): throw status
            case .wait: try await waitForChange(waitForReady: waitForReady)
            }
        }
    }

    private func waitForChange(waitForReady: Bool) async throws {
        let id = withState { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                withState { state in
                    if Task.isCancelled {
                        state.released.append((continuation, CancellationError()))
                    } else {
                        state.waiters[id] = (continuation, waitForReady)
                    }
                }
            }
        } onCancel: {
            withState { state in
                if let entry = state.waiters.removeValue(forKey: id) {
                    state.released.append((entry.waiter, CancellationError()))
                }
            }
        }
    }

    /// Executes a state machine action (under the lock; it only starts tasks and releases waiters,
    /// which `withState` resumes after unlocking).
    func apply(_ action: ChannelStateMachine.Action, to state: inout State) {
        switch action {
        case .none, .becameIdle:
            break
        case .startConnecting(let attempt, let deadline):
            state.connectionTasks[attempt] = Task { await self.connect(attempt: attempt, deadline: deadline) }
        case .resumeWaitingCalls:
            let waiters = state.waiters
            state.waiters.removeAll()
            for (_, entry) in waiters {
                state.released.append((entry.waiter, nil))
            }
        case .failWaitingCalls(let status):
            failWaiters(status, includingWaitForReady: true, in: &state)
        case .enterTransientFailure(let status, let retryAt):
            failWaiters(status, includingWaitForReady: false, in: &state)
            state.retryTask = Task { await self.retry(at: retryAt) }
        case .closeConnection:
            state.session?.close(GRPCStatus(.unavailable, "channel is shut down"))
            failWaiters(GRPCStatus(.unavailable, "channel is shut down"), includingWaitForReady: true, in: &state)
        }
    }

    private func failWaiters(_ status: GRPCStatus, includingWaitForReady: Bool, in state: inout State) {
        for (id, entry) in state.waiters where includingWaitForReady || !entry.waitForReady {
            state.waiters[id] = nil
            state.released.append((entry.waiter, status))
        }
    }

    private func retry(at retryAt: Duration) async {
        let delay = retryAt - now()
        if delay > .zero {
            do {
                try await Task.sleep(for: delay)
            } catch {
                return  // Shut down.
            }
        }
        let now = now()
        withState { state in
            apply(state.machine.retryTimerFired(at: now, hasWaitingCalls: !state.waiters.isEmpty), to: &state)
        }
    }

    /// One connection attempt, then the connection's whole life.
    private func connect(attempt: Int, deadline: Duration) async {
        let session: HTTP2Session
        do {
            let transport = try await dial(deadline: .after(max(deadline - now(), .milliseconds(1))))
            var connection = configuration.connection
            connection.keepalive = withState { $0.keepalive }
            session = try HTTP2Session(role: .client, transport: transport, configuration: connection, logger: logger)
        } catch {
            let status = GRPCStatus(
                .unavailable, "cannot connect to \(configuration.host):\(configuration.port): \(error)")
            logger.debug(
                "grpc connection attempt failed", metadata: ["grpc.attempt": "\(attempt)", "grpc.error": "\(error)"])
            let now = now()
            withState { state in
                apply(
                    state.machine.connectFailed(attempt: attempt, error: status, at: now, using: &state.random),
                    to: &state)
                state.connectionTasks[attempt] = nil
            }
            return
        }
        let accepted = withState { state in
            guard case .connecting(attempt) = state.machine.state else { return false }
            state.session = session
            apply(state.machine.connectSucceeded(attempt: attempt), to: &state)
            return true
        }
        guard accepted else {
            session.transport.close()
            return
        }
        logger.debug("grpc channel connected", metadata: ["grpc.attempt": "\(attempt)"])
        let ending = await session.run()
        logger.debug("grpc channel connection ended", metadata: ["grpc.reason": "\(ending.message)"])
        withState { state in
            if session.peerComplainedAboutPings, var keepalive = state.keepalive {
                // A8: the server found our pings too frequent; ping half as often from now on.
                keepalive.interval = keepalive.interval * 2
                state.keepalive = keepalive
            }
            if state.session === session { state.session = nil }
            apply(state.machine.connectionClosed(attempt: attempt), to: &state)
            state.connectionTasks[attempt] = nil
        }
    }

    private func dial(deadline: Deadline) async throws -> any ByteStream {
        let tcp = try await TCPClient.connect(host: configuration.host, port: configuration.port, deadline: deadline)
        switch configuration.security {
        case .plaintext:
            return tcp
        case .tls(let context, let override):
            let tls = try await TLSConnection.connect(
                over: tcp, context: context, serverName: override ?? configuration.host, deadline: deadline)
            // RFC 9113 §3.2: HTTP/2 over TLS must be negotiated with ALPN.
            guard tls.negotiatedProtocol == "h2" else {
                tls.close()
                throw GRPCStatus(.unavailable, "the server did not negotiate HTTP/2 (ALPN h2)")
            }
            return tls
        }
    }
}
