import BenchSupport
import CLibPQ
import ChildProcesses
import Foundation
import Postgres
import PostgresTestSupport

/// `make bench` (Postgres part): simple-query round trips through our layer, through libpq
/// called directly in the same process, and through `psql -c` (a process per query), against
/// one local server started for the run. Prints a table and merges its figures into
/// .bench/results.json under "postgres".

let iterations = Int(ProcessInfo.processInfo.environment["PGSWARM_BENCH_ITERATIONS"] ?? "") ?? 5000
let psqlIterations = 50

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

func summarize(_ samples: [Double]) -> (p50: Double, p99: Double) {
    let sorted = samples.sorted()
    return (percentile(sorted, 0.50), percentile(sorted, 0.99))
}

func microseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

/// Round trips of `SELECT 1` through PQexec on a blocking connection: the floor for any binding.
func measureLibPQ(conninfo: String, count: Int) -> [Double] {
    guard let connection = PQconnectdb(conninfo), PQstatus(connection) == CONNECTION_OK else {
        fatalError("libpq baseline could not connect")
    }
    defer { PQfinish(connection) }
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let start = clock.now
        let result = PQexecParams(connection, "SELECT 1", 0, nil, nil, nil, nil, 0)
        PQclear(result)
        samples.append(microseconds(clock.now - start))
    }
    return samples
}

let cluster = try await PostgresTestCluster.start(replicas: 0)
let node = cluster.initialPrimary
let conninfo = node.tcpConninfo()

let ours = try await PostgresConnection.connect(PostgresConfiguration(connectionString: conninfo))
for _ in 0..<200 { try await ours.query("SELECT 1") }  // warm-up
let clock = ContinuousClock()
var ourSamples: [Double] = []
for _ in 0..<iterations {
    let start = clock.now
    try await ours.query("SELECT 1")
    ourSamples.append(microseconds(clock.now - start))
}
await ours.close()

_ = measureLibPQ(conninfo: conninfo, count: 200)  // warm-up
let libpqSamples = measureLibPQ(conninfo: conninfo, count: iterations)

var psqlSamples: [Double] = []
for _ in 0..<psqlIterations {
    let start = clock.now
    let result = try await ChildProcess.run(
        ProcessSpec(
            executable: node.tools.path("psql"), arguments: ["-X", "-q", "-d", conninfo, "-c", "SELECT 1"],
            environment: ["PATH": "/usr/bin:/bin"]), timeout: .seconds(30))
    precondition(result.status.isSuccess, "psql failed: \(result.output)")
    psqlSamples.append(microseconds(clock.now - start))
}
await cluster.shutdown()

let (ourP50, ourP99) = summarize(ourSamples)
let (libP50, libP99) = summarize(libpqSamples)
let (psqlP50, psqlP99) = summarize(psqlSamples)
func format(_ value: Double) -> String { String(format: "%9.1f", value) }
print("PostgreSQL simple-query round trip (SELECT 1, loopback TCP, \(iterations) runs; psql \(psqlIterations) runs)")
print("  path                          p50 µs     p99 µs")
print("  pg-swarm Postgres layer    \(format(ourP50))  \(format(ourP99))")
print("  libpq PQexecParams direct  \(format(libP50))  \(format(libP99))")
print("  psql -c (process + connect)\(format(psqlP50))  \(format(psqlP99))")
print(String(format: "  ratio ours / libpq: p50 %.2fx, p99 %.2fx", ourP50 / libP50, ourP99 / libP99))

let figures: [String: Any] = [
    "iterations": iterations,
    "ours_p50_us": ourP50, "ours_p99_us": ourP99,
    "libpq_p50_us": libP50, "libpq_p99_us": libP99,
    "psql_p50_us": psqlP50, "psql_p99_us": psqlP99,
    "ratio_p50": ourP50 / libP50, "ratio_p99": ourP99 / libP99,
]
try BenchResults.merge(section: "postgres", figures: figures)
