import BenchSupport
import Central
import Foundation
import GRPC
import Logging
import Postgres
import PostgresTestSupport
import Transport

/// Runs every fleet size against a fresh central and database, prints the table and merges the
/// figures into .bench/results.json under "central".
enum CentralBench {
    struct Figures {
        var satellites: Int
        var seedSeconds: Double
        var rampSeconds: Double
        var connected: Int
        var fleet: UsageWindow
        var rest: UsageWindow
        var heartbeatToStored: [Double]
        var clustersGet: [Double]
        var clustersBodyBytes: Int
        var clustersGetFailures: Int
        var streamFailures: Int

        var json: [String: Any] {
            let heartbeat = Percentiles.of(heartbeatToStored, [0.5, 0.99])
            let get = Percentiles.of(clustersGet, [0.5, 0.99])
            return [
                "satellites": satellites, "connected": connected, "seed_s": seedSeconds, "connect_ramp_s": rampSeconds,
                "satellite_load": fleet.json,
                "heartbeat_to_stored_ms": [
                    "p50": heartbeat[0], "p99": heartbeat[1], "samples": heartbeatToStored.count,
                ],
                "get_clusters": [
                    "p50_ms": get[0], "p99_ms": get[1], "samples": clustersGet.count, "body_bytes": clustersBodyBytes,
                    "failures": clustersGetFailures, "window": rest.json,
                ],
                "stream_failures": streamFailures,
            ]
        }
    }

    static func run(settings: BenchSettings) async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/central"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) is missing: build it with `swift build -c release --product central`")
        }
        say(
            "central benchmark: N simulated satellites (own \(settings.plaintext ? "h2c" : "TLS") connection and stream "
                + "each; heartbeat and 3-instance "
                + "health report every \(Int(settings.period.seconds)) s, jittered) against the central binary on "
                + "PostgreSQL 15 (fsync on); \(Int(settings.window.seconds)) s measured per fleet size")
        let cluster = try await PostgresTestCluster.start(settings: ["fsync": "on", "max_connections": "100"])
        var all: [Figures] = []
        do {
            for size in settings.fleetSizes {
                let figures = try await measure(size, node: cluster.initialPrimary, binary: binary, settings: settings)
                all.append(figures)
                report(figures)
            }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
        summarize(all, settings: settings)
    }

    static func measure(_ size: Int, node: PostgresTestNode, binary: String, settings: BenchSettings) async throws
        -> Figures
    {
        say("  \(size) satellites: seeding…")
        let database = "central_bench_\(size)_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try await node.connect()
        try await admin.query("CREATE DATABASE \(identifier: database)")
        await admin.close()
        let url = node.tcpConninfo(database: database)
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("central-bench-\(UUID())")
            .path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let central = try CentralChild(
            binary: binary, databaseURL: url, dataDirectory: dataDirectory, httpPort: try freePort(),
            grpcPort: try freePort(), plaintext: settings.plaintext)
        defer { central.stop() }
        let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: url), maximumConnections: 8)
        let seedStarted = ContinuousClock.now
        let identities = try await FleetSeeder.seed(count: size, store: MetadataStore(pool: pool), offset: 0)
        let seedSeconds = (ContinuousClock.now - seedStarted).seconds

        say("  \(size) satellites: connecting…")
        let security: GRPCChannelConfiguration.Security
        if let caFile = central.caFile {
            let trust = try TLSClientContext(
                configuration: TLSClientConfiguration(trustRoots: .caFile(caFile), requiresApplicationProtocol: true))
            security = .tls(trust, serverNameOverride: "localhost")
        } else {
            security = .plaintext
        }
        let counters = FleetCounters()
        let sample = Set(identities.shuffled().prefix(settings.latencySample).map(\.id))
        let probe = HeartbeatProbe(sampled: sample)
        let epoch = ContinuousClock.now
        let quiet = Logger(label: "bench-satellite", factory: { _ in SwiftLogNoOpLogHandler() })
        let periodMilliseconds = Int64(settings.period.milliseconds)
        let satellites = try identities.map { identity in
            SimulatedSatellite(
                identity: identity,
                channel: try GRPCChannel(
                    configuration: GRPCChannelConfiguration(
                        host: "127.0.0.1", port: central.grpcPort, security: security), logger: quiet),
                counters: counters, probe: sample.contains(identity.id) ? probe : nil, epoch: epoch,
                period: settings.period,
                heartbeatPhase: .milliseconds(Int64.random(in: 0..<periodMilliseconds)),
                reportPhase: .milliseconds(Int64.random(in: 0..<periodMilliseconds)))
        }
        let rampStarted = ContinuousClock.now
        let fleet = Task {
            await withDiscardingTaskGroup { group in
                for (index, satellite) in satellites.enumerated() {
                    while index - counters.value(.settled) >= settings.connectConcurrency, !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                    group.addTask { await satellite.run() }
                }
            }
        }
        while counters.value(.settled) < size, ContinuousClock.now - rampStarted < settings.connectTimeout {
            try await Task.sleep(for: .milliseconds(100))
        }
        let rampSeconds = (ContinuousClock.now - rampStarted).seconds
        let connected = counters.value(.connected)
        say("  \(size) satellites: \(connected) connected in \(String(format: "%.1f", rampSeconds)) s; warming up…")

        let polling = Task { await probe.poll(pool: pool, period: settings.heartbeatPollPeriod) }
        try await Task.sleep(for: settings.warmUp)
        let postgresPID = await node.pid ?? 0

        // Window 1: the satellites alone (central's cost per satellite).
        say("  \(size) satellites: measuring the satellite load…")
        probe.record(true)
        let fleetWindow = try await UsageWindow.measure(
            central: central.pid, postgres: postgresPID, counters: counters, duration: settings.window)
        probe.record(false)

        // Window 2: the same load plus an operator listing every cluster over REST.
        say("  \(size) satellites: measuring GET /api/v1/clusters under that load…")
        let rest = RESTProbe(port: central.httpPort, token: central.adminToken)
        let probing = Task { await rest.run(path: "/api/v1/clusters", period: settings.restProbePeriod) }
        let restWindow = try await UsageWindow.measure(
            central: central.pid, postgres: postgresPID, counters: counters, duration: settings.restWindow)
        probing.cancel()
        await probing.value

        let figures = Figures(
            satellites: size, seedSeconds: seedSeconds, rampSeconds: rampSeconds, connected: connected,
            fleet: fleetWindow, rest: restWindow, heartbeatToStored: probe.samples, clustersGet: rest.samples,
            clustersBodyBytes: rest.lastBodyBytes, clustersGetFailures: rest.failures,
            streamFailures: counters.value(.streamFailures))

        say("  \(size) satellites: stopping…")
        polling.cancel()
        fleet.cancel()
        await polling.value
        await fleet.value
        await withDiscardingTaskGroup { group in
            for satellite in satellites { group.addTask { await satellite.channel.shutdown() } }
        }
        central.stop()
        await pool.close()
        return figures
    }

    static func report(_ figures: Figures) {
        let heartbeat = Percentiles.of(figures.heartbeatToStored, [0.5, 0.99])
        let get = Percentiles.of(figures.clustersGet, [0.5, 0.99])
        let fleet = figures.fleet
        say(
            String(
                format: """
                      N=%d: central CPU %.1f%% of one core, RSS %.0f MiB (peak %.0f MiB); PostgreSQL CPU %.1f%%; \
                    the simulated satellites %.1f%%
                      heartbeat → last_heartbeat stored: p50 %.0f ms, p99 %.0f ms (%d samples, ±%.0f ms)
                      GET /api/v1/clusters (%d clusters, %d KiB) every %.0f ms: p50 %.1f ms, p99 %.1f ms \
                    (%d samples, %d failed); central CPU meanwhile %.1f%%
                      in %.0f s: %d heartbeats sent, %d acknowledged, %d health reports; %d stream failures; \
                    connect ramp %.1f s
                    """, figures.satellites, fleet.centralCPUShare * 100, fleet.centralRSSMiB,
                fleet.centralPeakRSSMiB, fleet.postgresCPUShare * 100, fleet.benchCPUShare * 100, heartbeat[0],
                heartbeat[1], figures.heartbeatToStored.count, BenchSettings.defaults.heartbeatPollPeriod.milliseconds,
                figures.satellites, figures.clustersBodyBytes / 1_024,
                BenchSettings.defaults.restProbePeriod.milliseconds, get[0], get[1], figures.clustersGet.count,
                figures.clustersGetFailures, figures.rest.centralCPUShare * 100, fleet.seconds, fleet.heartbeatsSent,
                fleet.heartbeatAcks, fleet.reportsSent, figures.streamFailures, figures.rampSeconds))
    }

    /// The goal is 10,000 satellites under one core and 1 GiB; the largest measured size is
    /// scaled linearly to 10,000 as an estimate (said so in the output).
    static func summarize(_ all: [Figures], settings: BenchSettings) {
        guard let largest = all.max(by: { $0.satellites < $1.satellites }) else { return }
        let factor = 10_000 / Double(largest.satellites)
        let cpu = largest.fleet.centralCPUShare * factor
        let rss = largest.fleet.centralRSSMiB * factor
        say(
            String(
                format: "  goal 10,000 satellites under 1 core and 1 GiB: linear estimate from N=%d: %.0f%% of a core, "
                    + "%.0f MiB (%@)", largest.satellites, cpu * 100, rss,
                cpu < 1 && rss < 1_024 ? "within the goal" : "NOT within the goal"))
        var figures: [String: Any] = [:]
        for measured in all { figures["n_\(measured.satellites)"] = measured.json }
        figures["goal"] = "10000 satellites under one core and 1 GiB"
        figures["estimate_10000_linear"] = [
            "from_n": largest.satellites, "central_cpu_share_of_one_core": cpu, "central_rss_mib": rss,
        ]
        figures["settings"] = [
            "period_s": settings.period.seconds, "window_s": settings.window.seconds,
            "rest_window_s": settings.restWindow.seconds,
            "latency_sample": settings.latencySample, "heartbeat_poll_ms": settings.heartbeatPollPeriod.milliseconds,
            "rest_probe_ms": settings.restProbePeriod.milliseconds, "tls": !settings.plaintext,
            "postgres_fsync": true,
        ]
        do {
            try BenchResults.merge(section: "central", figures: figures)
        } catch {
            say("  could not write .bench/results.json: \(error)")
        }
    }
}

/// Writes a line at once (print is block-buffered when the output is a file or a pipe, and
/// progress should show while the bench runs).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
