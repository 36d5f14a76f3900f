import ArgumentParser
import Foundation
import DaemonSupport
import GRPC
import GRPCInterop
import HTTP2
import Logging
import PGSwarmRPC
import Transport

/// grpc-interop: the standard gRPC interop test server and client, over our gRPC stack.
struct InteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grpc-interop",
        abstract: "gRPC interop test service (grpc.testing.TestService): server and client.",
        subcommands: [Server.self, Client.self])
}

extension InteropCommand {
    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve grpc.testing.TestService until stopped.")

        @Option(name: .customLong("port"), help: "Port to listen on (0: any; the port is printed).")
        var port: Int = 0

        @Flag(name: .customLong("use_tls"), help: "Serve TLS (ALPN h2) instead of h2c.")
        var useTLS = false

        @Option(name: .customLong("tls_cert"), help: "Server certificate chain (PEM).")
        var tlsCertificate: String?

        @Option(name: .customLong("tls_key"), help: "Server private key (PEM).")
        var tlsKey: String?

        @Option(name: .customLong("max_receive_message_size"), help: "Largest request message, in bytes.")
        var maxReceiveMessageSize: Int = 4 << 20

        @Option(name: .customLong("max_concurrent_streams"), help: "Streams a client may open at once.")
        var maxConcurrentStreams: UInt32 = 256

        @Option(name: .customLong("min_ping_interval_ms"), help: "Shortest gap between client PINGs.")
        var minPingIntervalMilliseconds: Int = 300_000

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .notice

        func run() async throws {
            bootstrapLogging(level: logLevel)
            let logger = Logger(label: "grpc-interop.server")
            var configuration = GRPCServerConfiguration(port: UInt16(port))
            if useTLS {
                guard let tlsCertificate, let tlsKey else {
                    throw ValidationError("--use_tls needs --tls_cert and --tls_key")
                }
                let context = try TLSServerContext(
                    configuration: TLSServerConfiguration(certificateChainFile: tlsCertificate, privateKeyFile: tlsKey))
                configuration.security = .tls(context)
            }
            configuration.maxReceiveMessageSize = maxReceiveMessageSize
            configuration.connection.http2.maxConcurrentStreams = maxConcurrentStreams
            configuration.connection.pingAbusePolicy = PingAbusePolicy.Configuration(
                minimumPingInterval: .milliseconds(minPingIntervalMilliseconds), permitWithoutCalls: true)
            var registry = ServiceRegistry()
            registry.add(TestServiceProvider())
            registry.add(HealthService())
            let server = try await GRPCServer.bind(configuration, services: registry, logger: logger)
            // Tests wait for this line (`say` writes unbuffered, even to a pipe).
            say("listening on port \(server.port)")
            try await server.run()
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run interop test cases; exit 0 when all pass.")

        @Option(name: .customLong("server_host"), help: "Server host name or address.")
        var serverHost = "localhost"

        @Option(name: .customLong("server_port"), help: "Server port.")
        var serverPort: Int

        @Option(
            name: .customLong("test_case"),
            help: "A test case, a comma-separated list, or \"all\" (the standard cases).")
        var testCase = "all"

        @Flag(name: .customLong("use_tls"), help: "Connect with TLS (ALPN h2).")
        var useTLS = false

        @Option(name: .customLong("ca_file"), help: "Trust only this CA (PEM); default: the system store.")
        var caFile: String?

        @Option(name: .customLong("server_host_override"), help: "Name to verify the certificate against.")
        var serverHostOverride: String?

        @Option(name: .customLong("max_receive_message_size"), help: "Largest response message, in bytes.")
        var maxReceiveMessageSize: Int = 4 << 20

        @Option(name: .customLong("keepalive_ms"), help: "Send keepalive PINGs after this quiet time.")
        var keepaliveMilliseconds: Int?

        @Option(name: .customLong("case_timeout_s"), help: "Longest time one test case may take.")
        var caseTimeoutSeconds: Int = 180

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .notice

        func run() async throws {
            bootstrapLogging(level: logLevel)
            let cases = try selectedCases()
            let channel = try GRPCChannel(
                configuration: try channelConfiguration(), logger: Logger(label: "grpc-interop.client"))
            var failures = 0
            for testCase in cases {
                let started = ContinuousClock.now
                do {
                    try await InteropRunner.run(testCase, on: channel, timeout: .seconds(caseTimeoutSeconds))
                    say("PASS \(testCase.rawValue) (\(ContinuousClock.now - started))")
                } catch {
                    failures += 1
                    say("FAIL \(testCase.rawValue): \(error)")
                }
            }
            await channel.shutdown()
            if failures > 0 {
                throw ExitCode(1)
            }
        }

        private func selectedCases() throws -> [InteropTestCase] {
            try testCase.split(separator: ",").flatMap { name in
                if name == "all" { return InteropTestCase.standard }
                guard let found = InteropTestCase(rawValue: String(name)) else {
                    throw ValidationError("unknown test case \(name)")
                }
                return [found]
            }
        }

        private func channelConfiguration() throws -> GRPCChannelConfiguration {
            var configuration = GRPCChannelConfiguration(host: serverHost, port: UInt16(serverPort))
            if useTLS {
                let trust: TLSClientConfiguration.TrustRoots = caFile.map { .caFile($0) } ?? .system
                let context = try TLSClientContext(
                    configuration: TLSClientConfiguration(trustRoots: trust, requiresApplicationProtocol: true))
                configuration.security = .tls(context, serverNameOverride: serverHostOverride)
            }
            configuration.maxReceiveMessageSize = maxReceiveMessageSize
            if let keepaliveMilliseconds {
                configuration.connection.keepalive = KeepaliveConfiguration(
                    interval: .milliseconds(keepaliveMilliseconds), timeout: .seconds(20))
            }
            return configuration
        }
    }
}
