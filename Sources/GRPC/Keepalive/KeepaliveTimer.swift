public import HTTP2

/// When to send keepalive PINGs and when to give up on the peer: a small state machine fed with
/// the caller's monotonic time. The shell wakes at `nextDeadline` and calls `tick`.
public struct KeepaliveTimer: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// Waiting for quiet time; `lastActivity` is the last frame received.
        case waiting(lastActivity: Duration)
        /// A PING is out; its ACK must arrive by `sentAt + timeout`.
        case awaitingAck(data: PingData, sentAt: Duration)
    }

    public enum Action: Hashable, Sendable {
        case none
        case sendPing(PingData)
        /// No ACK in time: the peer is gone. Close the connection (calls end UNAVAILABLE).
        case closeConnection
    }

    public private(set) var configuration: KeepaliveConfiguration
    public private(set) var state: State
    private var pingsSent: UInt64 = 0

    public init(configuration: KeepaliveConfiguration, now: Duration) {
        self.configuration = configuration
        self.state = .waiting(lastActivity: now)
    }

    /// When `tick` next has something to decide. While a PING is out this is no later than one
    /// interval after it left: the ACK may come early and make the next PING due by then.
    public var nextDeadline: Duration {
        switch state {
        case .waiting(let lastActivity): lastActivity + configuration.interval
        case .awaitingAck(_, let sentAt): sentAt + min(configuration.timeout, configuration.interval)
        }
    }

    /// Any frame from the peer proves it alive.
    public mutating func receivedFrame(at now: Duration) {
        if case .waiting = state {
            state = .waiting(lastActivity: now)
        }
    }

    /// A PING ACK arrived; only ours ends the wait.
    public mutating func receivedPingAck(_ data: PingData, at now: Duration) {
        if case .awaitingAck(let expected, _) = state, expected == data {
            state = .waiting(lastActivity: now)
        }
    }

    public mutating func tick(at now: Duration, hasActiveCalls: Bool) -> Action {
        switch state {
        case .waiting(let lastActivity):
            guard now >= lastActivity + configuration.interval else { return .none }
            guard hasActiveCalls || configuration.permitWithoutCalls else {
                // Nothing to keep alive; look again one interval later.
                state = .waiting(lastActivity: now)
                return .none
            }
            pingsSent += 1
            let data = PingData(keepaliveSequence: pingsSent)
            state = .awaitingAck(data: data, sentAt: now)
            return .sendPing(data)
        case .awaitingAck(_, let sentAt):
            return now >= sentAt + configuration.timeout ? .closeConnection : .none
        }
    }

    /// The peer said "too_many_pings": A8 says double the interval for this connection's successors.
    public mutating func doubleInterval() {
        configuration.interval = configuration.interval * 2
    }
}

extension PingData {
    /// Keepalive PING payloads: a tag in the top byte ("K") and a sequence number below it, so
    /// our ACKs are told apart from other PINGs (e.g. RTT probes) the shell may send.
    init(keepaliveSequence sequence: UInt64) {
        self.init(0x4B << 56 | (sequence & 0x00FF_FFFF_FFFF_FFFF))
    }
}
