import HTTP2
import Transport
import Logging

/// Keepalive PINGs and the handshake deadline: one timer task per connection.
extension HTTP2Session {
    /// Longest sleep between checks, so a deadline that moves earlier is noticed in time.
    static let maximumTimerSleep = Duration.seconds(1)

    func runTimers() async {
        while !Task.isCancelled {
            let wake = withState { $0.nextTimerDeadline() } ?? (now() + Self.maximumTimerSleep)
            let sleep = min(max(wake - now(), .milliseconds(1)), Self.maximumTimerSleep)
            do {
                try await Task.sleep(for: sleep)
            } catch {
                return
            }
            let now = now()
            let (abort, done) = withState { state in
                let abort = state.fireTimers(at: now, logger: logger)
                return (abort, state.phase.terminalStatus != nil)
            }
            if abort {
                // The peer stopped answering: it may not read either, so do not wait to flush.
                transport.close()
            }
            if done { return }
        }
    }
}

extension SessionState {
    func nextTimerDeadline() -> Duration? {
        [handshakeDeadline, keepalive?.nextDeadline].compactMap { $0 }.min()
    }

    /// Runs the timers that are due; true when the socket must be dropped at once.
    mutating func fireTimers(at now: Duration, logger: Logger) -> Bool {
        var abort = false
        if let deadline = handshakeDeadline, now >= deadline {
            handshakeDeadline = nil
            logger.debug("grpc connection handshake timed out")
            engine.goAway(code: .settingsTimeout)
            close(after: GRPCStatus(.unavailable, "the peer did not complete the HTTP/2 handshake in time"))
        }
        if var timer = keepalive {
            let action = timer.tick(at: now, hasActiveCalls: hasActiveCalls)
            keepalive = timer
            switch action {
            case .none:
                break
            case .sendPing(let data):
                do {
                    try engine.ping(data)
                } catch {
                    // Only a closed engine refuses, and then the connection is on its way out.
                }
            case .closeConnection:
                logger.debug("grpc keepalive ping was not answered in time")
                markClosed(GRPCStatus(.unavailable, "keepalive ping not acknowledged in time"))
                abort = true
            }
        }
        wakeWriterIfNeeded()
        return abort
    }
}
