import BenchSupport
import Foundation
import GRPC
import Logging

/// Runs every benchmark, prints the table, and merges the figures into `.bench/results.json`.
enum GRPCBench {
    static func run() async throws {
        let repository = FileManager.default.currentDirectoryPath
        print(
            "gRPC benchmarks (loopback h2c; \(BenchSettings.concurrency) unary calls in flight, "
                + "\(BenchSettings.echoSize)-byte echo, \(BenchSettings.streamMessageSize)-byte streamed messages)")
        let ours = try await measureOurs()
        let grpcio = try measureGrpcio(repository: repository)
        report(ours: ours, grpcio: grpcio)
    }

    struct OurFigures {
        var unaryRPS: Double
        var streamMessagesPerSecond: Double
        var rssBeforeKiB: Int
        var rssHoldingKiB: Int
        var heartbeatServerCPU: Duration
        var heartbeatClientCPU: Duration
    }

    struct GrpcioFigures: Decodable {
        var unary_rps: Double
        var stream_msgs_per_s: Double
    }

    static func measureOurs() async throws -> OurFigures {
        let server = try ChildServer(executable: ownExecutable(), arguments: ["serve"])
        defer { server.stop() }
        var configuration = GRPCChannelConfiguration(host: "127.0.0.1", port: server.port)
        configuration.maxReceiveMessageSize = 16 << 20
        let logger = Logger(label: "grpc-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let channel = try GRPCChannel(configuration: configuration, logger: logger)
        let benchmarks = OurBenchmarks(channel: channel, serverPID: server.pid)
        let unary = try await benchmarks.unaryRate()
        let stream = try await benchmarks.streamRate()
        let rss = try await benchmarks.idleStreamsRSS(count: BenchSettings.idleStreams)
        let heartbeats = try await benchmarks.heartbeatCPU(count: BenchSettings.heartbeats)
        await channel.shutdown()
        return OurFigures(
            unaryRPS: unary, streamMessagesPerSecond: stream, rssBeforeKiB: rss.before, rssHoldingKiB: rss.holding,
            heartbeatServerCPU: heartbeats.server, heartbeatClientCPU: heartbeats.client)
    }

    static func measureGrpcio(repository: String) throws -> GrpcioFigures {
        let python = repository + "/.venv/bin/python"
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = repository + "/Tests/e2e"
        let server = try ChildServer(
            executable: python, arguments: ["-m", "grpcinterop.server", "--port", "0"], environment: environment)
        defer { server.stop() }
        let client = Process()
        client.executableURL = URL(fileURLWithPath: python)
        client.arguments = [
            "-m", "grpcinterop.bench", "--port", String(server.port), "--concurrency",
            String(BenchSettings.concurrency),
            "--echo_size", String(BenchSettings.echoSize), "--stream_message_size",
            String(BenchSettings.streamMessageSize), "--messages_per_stream", String(BenchSettings.messagesPerStream),
        ]
        client.environment = environment
        let output = Pipe()
        client.standardOutput = output
        try client.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        client.waitUntilExit()
        guard client.terminationStatus == 0 else { throw BenchError("the grpcio benchmark client failed") }
        return try JSONDecoder().decode(GrpcioFigures.self, from: data)
    }

    static func report(ours: OurFigures, grpcio: GrpcioFigures) {
        func rate(_ value: Double) -> String { String(format: "%10.0f", value) }
        func ratio(_ value: Double, _ reference: Double) -> String {
            reference > 0 ? String(format: "%5.2fx", value / reference) : "  n/a"
        }
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
        }
        let heldKiB = ours.rssHoldingKiB - ours.rssBeforeKiB
        print("")
        print("  measure                                  ours   grpcio (Python)   ours/grpcio")
        print(
            "  unary echo RPCs/s                  \(rate(ours.unaryRPS))        \(rate(grpcio.unary_rps))      \(ratio(ours.unaryRPS, grpcio.unary_rps))"
        )
        print(
            "  streamed 1 KiB messages/s          \(rate(ours.streamMessagesPerSecond))        \(rate(grpcio.stream_msgs_per_s))      \(ratio(ours.streamMessagesPerSecond, grpcio.stream_msgs_per_s))"
        )
        print(
            "  server RSS holding \(BenchSettings.idleStreams) idle streams: \(ours.rssHoldingKiB / 1_024) MiB (+\(heldKiB) KiB, \(heldKiB * 1_024 / BenchSettings.idleStreams) bytes per stream)"
        )
        print(
            String(
                format: "  CPU per %d heartbeats on one stream: server %.0f ms, client %.0f ms",
                BenchSettings.heartbeats, milliseconds(ours.heartbeatServerCPU), milliseconds(ours.heartbeatClientCPU)))
        let figures: [String: Any] = [
            "unary_rps": [
                "ours": ours.unaryRPS, "grpcio": grpcio.unary_rps, "ratio": ours.unaryRPS / grpcio.unary_rps,
            ],
            "stream_1kib_msgs_per_s": [
                "ours": ours.streamMessagesPerSecond, "grpcio": grpcio.stream_msgs_per_s,
                "ratio": ours.streamMessagesPerSecond / grpcio.stream_msgs_per_s,
            ],
            "server_rss_kib": [
                "before": ours.rssBeforeKiB, "holding_idle_streams": ours.rssHoldingKiB,
                "idle_streams": BenchSettings.idleStreams,
            ],
            "heartbeat_cpu_ms": [
                "heartbeats": BenchSettings.heartbeats, "server": milliseconds(ours.heartbeatServerCPU),
                "client": milliseconds(ours.heartbeatClientCPU),
            ],
            "settings": [
                "concurrency": BenchSettings.concurrency, "echo_bytes": BenchSettings.echoSize,
                "stream_message_bytes": BenchSettings.streamMessageSize,
            ],
        ]
        do {
            try BenchResults.merge(section: "grpc", figures: figures)
        } catch {
            print("  could not write .bench/results.json: \(error)")
        }
    }

    /// This executable, to start it again in server mode.
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
