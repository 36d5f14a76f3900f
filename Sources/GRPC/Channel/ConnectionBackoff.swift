/// Reconnection delays of gRPC's connection-backoff.md: exponential growth with jitter, so that
/// many clients that lost the same server do not reconnect in lockstep.
public struct ConnectionBackoff: Hashable, Sendable {
    /// The first delay. Default 1 s.
    public var initial: Duration
    /// Growth factor per failed attempt. Default 1.6.
    public var multiplier: Double
    /// Each delay is randomised within ±`jitter` of itself. Default 0.2.
    public var jitter: Double
    /// The largest delay. Default 120 s.
    public var maximum: Duration
    /// Every attempt gets at least this long to connect, even when the delay is shorter. Default 20 s.
    public var minimumConnectTimeout: Duration

    public init(
        initial: Duration = .seconds(1), multiplier: Double = 1.6, jitter: Double = 0.2,
        maximum: Duration = .seconds(120), minimumConnectTimeout: Duration = .seconds(20)
    ) {
        self.initial = initial
        self.multiplier = multiplier
        self.jitter = jitter
        self.maximum = maximum
        self.minimumConnectTimeout = minimumConnectTimeout
    }

    /// Checks each rule; the message names the first one broken.
    public func validate() throws(GRPCStatus) {
        func require(_ condition: Bool, _ rule: String) throws(GRPCStatus) {
            guard condition else { throw GRPCStatus(.invalidArgument, "invalid backoff: \(rule)") }
        }
        try require(initial > .zero, "initial > 0")
        try require(multiplier >= 1, "multiplier >= 1")
        try require(jitter >= 0 && jitter < 1, "jitter in 0..<1")
        try require(maximum >= initial, "maximum >= initial")
        try require(minimumConnectTimeout > .zero, "minimumConnectTimeout > 0")
    }
}

/// The sequence of delays for one run of failed attempts; reset by a successful connection.
public struct BackoffSequence: Hashable, Sendable {
    public let backoff: ConnectionBackoff
    /// The un-jittered delay the next failure waits.
    public private(set) var current: Duration

    public init(backoff: ConnectionBackoff) {
        self.backoff = backoff
        self.current = backoff.initial
    }

    /// The delay to wait after a failure, jittered with `random`; grows the next one.
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
        let base = current
        let grown = Duration.seconds(base.seconds * backoff.multiplier)
        current = min(grown, backoff.maximum)
        let spread = backoff.jitter * base.seconds
        let offset = spread > 0 ? Double.random(in: -spread...spread, using: &random) : 0
        return .seconds(max(0, base.seconds + offset))
    }
}

extension Duration {
    /// The duration in seconds, as a Double (for the backoff arithmetic only).
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    static func seconds(_ value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e9).rounded()))
    }
}
