// central-bench: N simulated satellites against one central (`make bench`).
//
// Each satellite has its own gRPC connection (TLS, trusting central's development CA) and
// stream, sends a heartbeat and a 3-instance health report every 10 s at jittered phases, and
// acknowledges the desired state it receives. Central runs as a child process (the real release
// binary) on a real PostgreSQL; its CPU and memory are read from /proc. Figures are printed and
// merged into .bench/results.json under "central".
//
//   PGSWARM_BENCH_SATELLITES   comma-separated fleet sizes (default 1000,5000)
//   PGSWARM_BENCH_WINDOW_S     measured seconds per fleet size (default 30)
//   PGSWARM_BENCH_PLAINTEXT=1  h2c instead of TLS (to see what TLS costs)
import Foundation
import Transport

OpenSSLLibrary.initialize()
do {
    try await CentralBench.run(settings: BenchSettings.fromEnvironment())
} catch {
    FileHandle.standardError.write(Data("central-bench: error: \(error)\n".utf8))
    exit(1)
}
