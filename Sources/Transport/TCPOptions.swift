/// Socket options applied to every connected socket (client side and accepted).
public struct TCPOptions: Sendable, Equatable {
    /// TCP keepalive probing, so that a silently dead peer (power loss, partition) is noticed
    /// even on an idle connection.
    public struct KeepAlive: Sendable, Equatable {
        /// Idle time before the first probe (TCP_KEEPIDLE). Default 15 s.
        public var idle: Duration
        /// Time between unanswered probes (TCP_KEEPINTVL). Default 5 s.
        public var interval: Duration
        /// Unanswered probes before the kernel drops the connection (TCP_KEEPCNT). Default 3.
        public var probes: Int32

        public init(idle: Duration = .seconds(15), interval: Duration = .seconds(5), probes: Int32 = 3) {
            self.idle = idle
            self.interval = interval
            self.probes = probes
        }
    }

    /// Disable Nagle's algorithm (TCP_NODELAY). Default true: HTTP/2 writes small frames
    /// (PING, WINDOW_UPDATE, headers) that must not wait for an ACK.
    public var noDelay: Bool
    /// Keepalive settings (SO_KEEPALIVE); `nil` leaves keepalive off. Default on.
    public var keepAlive: KeepAlive?
    /// TCP_USER_TIMEOUT: how long written data may stay unacknowledged before the kernel drops
    /// the connection. `nil` keeps the kernel default (many minutes). Default nil.
    public var userTimeout: Duration?

    public init(noDelay: Bool = true, keepAlive: KeepAlive? = KeepAlive(), userTimeout: Duration? = nil) {
        self.noDelay = noDelay
        self.keepAlive = keepAlive
        self.userTimeout = userTimeout
    }
}
