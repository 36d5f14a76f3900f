/// Counts what a peer can make us do for free, and says when it has had enough (HTTP2Limits).
struct FloodGuard: Sendable {
    /// A count that resets every `interval`, measured on the caller's monotonic time.
    struct RateBudget: Sendable {
        let limit: Int
        let interval: Duration
        private var windowStart: Duration = .zero
        private var spent = 0

        init(limit: Int, interval: Duration) {
            self.limit = limit
            self.interval = interval
        }

        /// Spends one unit; false once the budget of this interval is exceeded.
        mutating func spend(at now: Duration) -> Bool {
            if now - windowStart >= interval {
                windowStart = now
                spent = 0
            }
            spent += 1
            return spent <= limit
        }
    }

    private var resets: RateBudget
    private var emptyFrames: RateBudget
    private let maxQueuedControlFrames: Int
    private(set) var queuedControlFrames = 0

    init(limits: HTTP2Limits) {
        resets = RateBudget(limit: limits.maxResetsPerInterval, interval: limits.floodInterval)
        emptyFrames = RateBudget(limit: limits.maxEmptyFramesPerInterval, interval: limits.floodInterval)
        maxQueuedControlFrames = limits.maxQueuedControlFrames
    }

    /// A RST_STREAM received, or a stream we had to refuse (CVE-2023-44487).
    mutating func recordReset(at now: Duration) throws(HTTP2Error) {
        guard resets.spend(at: now) else {
            throw .connection(.enhanceYourCalm, "more than \(resets.limit) stream resets in \(resets.interval)")
        }
    }

    /// A frame that carried nothing (CVE-2019-9518).
    mutating func recordEmptyFrame(at now: Duration) throws(HTTP2Error) {
        guard emptyFrames.spend(at: now) else {
            throw .connection(
                .enhanceYourCalm, "more than \(emptyFrames.limit) empty frames in \(emptyFrames.interval)")
        }
    }

    /// An answer the peer made us queue (CVE-2019-9512, CVE-2019-9515).
    mutating func recordQueuedControlFrame() throws(HTTP2Error) {
        queuedControlFrames += 1
        guard queuedControlFrames <= maxQueuedControlFrames else {
            throw .connection(.enhanceYourCalm, "more than \(maxQueuedControlFrames) undrained control frames")
        }
    }

    /// The caller took our output, so the queued answers are on their way.
    mutating func outputDrained() {
        queuedControlFrames = 0
    }
}
