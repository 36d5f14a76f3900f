import Foundation
import GRPC
import GRPCInterop
import HTTP2
import Logging
import PGSwarmAPI
import PGSwarmRPC
import SwiftProtobuf

/// The server process of the benchmarks: TestService plus a satellite stream that answers
/// every heartbeat, on a kernel-chosen port printed on stdout.
enum BenchServer {
    /// Streams one connection may hold: the idle-stream benchmark opens 1,000.
    static let maxConcurrentStreams: UInt32 = 2_048

    static func run() async {
        let logger = Logger(label: "grpc-bench.server", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = GRPCServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.connection.http2.maxConcurrentStreams = maxConcurrentStreams
        var registry = ServiceRegistry()
        registry.add(TestServiceProvider())
        registry.add(HeartbeatService())
        do {
            let server = try await GRPCServer.bind(configuration, services: registry, logger: logger)
            FileHandle.standardOutput.write(Data("listening on port \(server.port)\n".utf8))
            try await server.run()
        } catch {
            FileHandle.standardError.write(Data("grpc-bench serve: \(error)\n".utf8))
            exit(1)
        }
    }
}

/// Answers each heartbeat with an ack, as central does.
struct HeartbeatService: GRPCService {
    func register(into registry: inout ServiceRegistry) {
        registry.bidirectionalStreaming(SatelliteStreamServiceMethods.connect) { requests, writer, _ in
            for try await message in requests {
                guard case .heartbeat(let heartbeat) = message.payload else { continue }
                try await writer.write(
                    .with {
                        $0.heartbeatAck = .with {
                            $0.timestamp = heartbeat.timestamp
                            $0.centralTime = Google_Protobuf_Timestamp(date: Date())
                        }
                    })
            }
        }
    }
}
