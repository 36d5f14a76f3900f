import Foundation

struct BenchSettings {
    /// Fleet sizes, run one after another, each against a fresh central and database.
    var fleetSizes: [Int]
    /// How long each fleet size is measured, after everyone connected and a warm-up period.
    var window: Duration
    /// Period of heartbeats and health reports (satellite_stream.proto's default).
    var period: Duration = .seconds(10)
    /// Settling time after the last satellite connected: every satellite sends a heartbeat and a
    /// report once, and the connect burst (snapshots, acks, events) is written.
    var warmUp: Duration = .seconds(12)
    /// Satellites whose heartbeats are followed to the database.
    var latencySample = 200
    /// Streams connecting at once during the ramp.
    var connectConcurrency = 64
    /// Period of the `GET /api/v1/clusters` probe (an operator's list refreshing quickly).
    var restProbePeriod: Duration = .milliseconds(500)
    /// How long the REST probe runs (after the satellite-only window).
    var restWindow: Duration = .seconds(10)
    /// Period of the heartbeat-latency poll (the latency's resolution).
    var heartbeatPollPeriod: Duration = .milliseconds(50)
    /// TLS (the default, as in production) or h2c (PGSWARM_BENCH_PLAINTEXT=1, to see what TLS costs).
    var plaintext = false
    /// No phase of a run may take longer (the whole bench stays within a few minutes).
    var connectTimeout: Duration = .seconds(180)

    /// The fixed settings (everything but the fleet sizes and the window).
    static let defaults = BenchSettings(fleetSizes: [], window: .seconds(30))

    static func fromEnvironment() throws -> BenchSettings {
        let environment = ProcessInfo.processInfo.environment
        let sizesText = environment["PGSWARM_BENCH_SATELLITES"] ?? "1000,5000"
        let sizes = sizesText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ (1...20_000).contains($0) }) else {
            throw BenchError("PGSWARM_BENCH_SATELLITES must list fleet sizes between 1 and 20000, got '\(sizesText)'")
        }
        let window = Int(environment["PGSWARM_BENCH_WINDOW_S"] ?? "") ?? 30
        guard (5...600).contains(window) else { throw BenchError("PGSWARM_BENCH_WINDOW_S must be 5...600") }
        var settings = BenchSettings(fleetSizes: sizes, window: .seconds(window))
        settings.plaintext = environment["PGSWARM_BENCH_PLAINTEXT"] == "1"
        return settings
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
