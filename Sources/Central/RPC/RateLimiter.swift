import Synchronization

/// A token bucket: `burst` calls at once, then `perSecond` on average. Guards the
/// unauthenticated registration RPCs (registration.proto: "rate limited by central"), so a
/// flood of Register calls cannot fill the satellites table or keep the database busy.
public final class RateLimiter: Sendable {
    public let perSecond: Double
    public let burst: Double
    private let now: @Sendable () -> ContinuousClock.Instant

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let bucket: Mutex<Bucket>

    public init(
        perSecond: Double, burst: Int, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        precondition(perSecond > 0 && burst > 0, "a rate limiter needs a positive rate and burst")
        self.perSecond = perSecond
        self.burst = Double(burst)
        self.now = now
        bucket = Mutex(Bucket(tokens: Double(burst), updated: now()))
    }

    /// Takes a token; false when none is left (the call is refused).
    public func admit() -> Bool {
        let instant = now()
        return bucket.withLock { bucket in
            let elapsed = instant - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * perSecond)
            bucket.updated = max(bucket.updated, instant)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
