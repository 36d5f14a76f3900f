/// What every benchmark uses, so ours and grpcio's figures measure the same thing.
enum BenchSettings {
    /// Unary calls in flight at once.
    static let concurrency = 16
    /// Request and response payload of the unary echo, in bytes.
    static let echoSize = 64
    /// Size of each streamed message.
    static let streamMessageSize = 1_024
    /// Messages per server-streaming call.
    static let messagesPerStream = 10_000
    /// How long each rate is measured, after a short warm-up.
    static let measurement = Duration.seconds(3)
    static let warmUp = Duration.milliseconds(500)
    static let idleStreams = 1_000
    static let heartbeats = 10_000

    /// Runs `body` for the warm-up, then for the measurement; returns the measured count per second.
    static func measure(_ body: (ContinuousClock.Instant) async throws -> Int) async throws -> Double {
        _ = try await body(ContinuousClock.now + warmUp)
        let started = ContinuousClock.now
        let count = try await body(started + measurement)
        let elapsed = ContinuousClock.now - started
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
