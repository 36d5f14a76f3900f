/// How a server judges the peer's PINGs (gRPC proposal A8, "Client-side Keepalive", and
/// grpc-core's ping abuse policy): a PING sooner than `minimumPingInterval` after the previous
/// one is a strike, and more than `maxPingStrikes` strikes end the connection with GOAWAY
/// ENHANCE_YOUR_CALM "too_many_pings". Sending headers or data resets the count, because a
/// peer measuring our responses (BDP probes) pings right after we send.
public struct PingAbusePolicy: Hashable, Sendable {
    /// The policy's settings; defaults are grpc-core's.
    public struct Configuration: Hashable, Sendable {
        /// The shortest gap between two acceptable PINGs. Default 5 minutes (grpc-core's
        /// GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS).
        public var minimumPingInterval: Duration
        /// Whether PINGs are acceptable while no call is open; if not, the gap is
        /// `idleMinimumPingInterval`. Default false.
        public var permitWithoutCalls: Bool
        /// Strikes tolerated before the connection is closed; 0 disables enforcement. Default 2.
        public var maxPingStrikes: Int

        public init(
            minimumPingInterval: Duration = .seconds(300), permitWithoutCalls: Bool = false, maxPingStrikes: Int = 2
        ) {
            self.minimumPingInterval = minimumPingInterval
            self.permitWithoutCalls = permitWithoutCalls
            self.maxPingStrikes = maxPingStrikes
        }
    }

    /// The gap demanded between PINGs on a connection without calls when they are not permitted:
    /// two hours, as in grpc-core (a keepalive that only keeps an idle connection alive is not
    /// worth the server's resources).
    public static let idleMinimumPingInterval = Duration.seconds(7_200)

    /// The GOAWAY debug data the peer's gRPC library recognises (A8: a client seeing it doubles
    /// its keepalive interval).
    public static let goAwayDebugData = Array("too_many_pings".utf8)

    /// What to do about a received PING.
    public enum Verdict: Hashable, Sendable {
        case accepted
        /// A strike, still within the tolerated count.
        case struck(strikes: Int)
        /// Send GOAWAY ENHANCE_YOUR_CALM with `goAwayDebugData` and close.
        case tooManyPings
    }

    public let configuration: Configuration
    private var lastPingReceivedAt: Duration?
    public private(set) var strikes = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public mutating func receivedPing(at now: Duration, hasActiveCalls: Bool) -> Verdict {
        let interval =
            hasActiveCalls || configuration.permitWithoutCalls
            ? configuration.minimumPingInterval : Self.idleMinimumPingInterval
        defer { lastPingReceivedAt = now }
        guard let last = lastPingReceivedAt, now - last < interval else { return .accepted }
        strikes += 1
        if configuration.maxPingStrikes > 0 && strikes > configuration.maxPingStrikes {
            return .tooManyPings
        }
        return .struck(strikes: strikes)
    }

    /// We sent headers or data: the peer's next PING is welcome again.
    public mutating func sentHeadersOrData() {
        lastPingReceivedAt = nil
        strikes = 0
    }
}
