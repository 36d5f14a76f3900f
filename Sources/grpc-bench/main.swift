// grpc-bench: our gRPC stack against grpcio, side by side (`make bench`).
//
//   grpc-bench            run every benchmark, print a table, merge figures into .bench/results.json
//   grpc-bench serve      (internal) the server process the benchmarks talk to
import Foundation

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "serve" {
    await BenchServer.run()
} else {
    do {
        try await GRPCBench.run()
    } catch {
        FileHandle.standardError.write(Data("grpc-bench: error: \(error)\n".utf8))
        exit(1)
    }
}
