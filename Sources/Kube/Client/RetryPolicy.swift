/// When and how often a failed request is sent again.
///
/// Only requests that cannot do harm are retried: reads (GET, LIST, opening a WATCH) after any
/// transient failure (connection errors, 429, 5xx busy answers), and writes only when the
/// failure proves the server never saw them (connection refused, 429). A write whose answer was
/// lost may have been applied, so it is never sent blindly again: the caller re-reads and
/// decides (a Lease update re-reads and checks whether its own write landed).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in total, including the first. Default 4.
    public var maximumAttempts: Int
    /// Pause before the second attempt; doubles for each further one. Default 100 ms.
    public var initialBackoff: Duration
    /// Upper bound of a pause. Default 2 s.
    public var maximumBackoff: Duration
    /// Each pause is scaled by a random factor in 1 ± jitter, so that clients failing together
    /// do not retry together. Default 0.2.
    public var jitter: Double

    public init(
        maximumAttempts: Int = 4, initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(2),
        jitter: Double = 0.2
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.jitter = min(max(jitter, 0), 1)
    }

    /// No retries at all.
    public static let never = RetryPolicy(maximumAttempts: 1)

    /// The pause after failed attempt number `attempt` (1-based); `unitRandom` is in [0, 1).
    public func backoff(afterAttempt attempt: Int, unitRandom: Double) -> Duration {
        var delay = initialBackoff
        for _ in 1..<max(1, attempt) where delay < maximumBackoff { delay *= 2 }
        delay = min(delay, maximumBackoff)
        let factor = 1 + jitter * (2 * unitRandom - 1)
        return delay * factor
    }
}
