/// Our own keepalive PINGs (gRPC proposal A8): after `interval` without any frame from the peer
/// we send a PING, and if its ACK does not arrive within `timeout` the connection is considered
/// dead and closed. This notices a peer that vanished (NAT timeout, power loss) long before TCP would.
public struct KeepaliveConfiguration: Hashable, Sendable {
    /// Quiet time before a PING. A8 advises clients to stay at or above 10 seconds; servers
    /// with a `PingAbusePolicy` answer faster pings with GOAWAY "too_many_pings".
    public var interval: Duration
    /// How long to wait for the ACK. Default 20 seconds (grpc-core's default).
    public var timeout: Duration
    /// Ping even without open calls (keeps idle connections through NATs). Default false.
    public var permitWithoutCalls: Bool

    public init(interval: Duration, timeout: Duration = .seconds(20), permitWithoutCalls: Bool = false) {
        self.interval = interval
        self.timeout = timeout
        self.permitWithoutCalls = permitWithoutCalls
    }
}
