import BenchSupport
import ChildProcesses
import Foundation
import Glibc
import Kube
import KubeTestSupport

/// `make bench` (Kubernetes part): Lease get+update round trips and a labelled list of 1,000
/// pods against a real kube-apiserver v1.20.2 (scripts/kube-testenv.py). As root, the
/// measurement runs the way a pod does: direct HTTPS, trusting the apiserver's private CA
/// through a composed system bundle inside a private mount namespace. Otherwise it goes
/// through a plain-HTTP TLS forwarder (one extra loopback hop). Prints a table and merges the
/// figures into .bench/results.json under "kube".

/// Inner mode: measure and print one JSON line. The token comes from the environment, never argv.
if CommandLine.arguments.dropFirst().first == "--measure" {
    let environment = ProcessInfo.processInfo.environment
    guard let server = environment["KUBE_BENCH_SERVER"].flatMap(URL.init(string:)),
        let token = environment["KUBE_BENCH_TOKEN"]
    else {
        print("{\"error\": \"KUBE_BENCH_SERVER and KUBE_BENCH_TOKEN are required\"}")
        exit(1)
    }
    let figures = try await Measurements.run(
        configuration: KubeConfiguration(server: server, credentials: .bearerToken(StaticToken(token))))
    let line = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
    print(String(decoding: line, as: UTF8.self))
    exit(0)
}

func ownExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return count > 0
        ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

/// Runs the measurement in a private mount namespace whose system bundle includes the CA.
func measureDirect(_ environment: KubeTestEnvironment) async throws -> [String: Double] {
    let dir = try makePrivateTemporaryDirectory(prefix: "kube-bench")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bundle = dir + "/bundle.crt"
    try TrustBundle.install(
        try String(contentsOfFile: environment.caFile, encoding: .utf8), into: bundle,
        base: TrustBundle.systemBundlePath)
    let script = "mount --bind \"$1\" \(TrustBundle.systemBundlePath) && shift && exec \"$@\""
    let result = try await ChildProcess.run(
        ProcessSpec(
            executable: "/usr/bin/unshare",
            arguments: [
                "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", bundle, ownExecutable(),
                "--measure",
            ],
            environment: [
                "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "KUBE_BENCH_SERVER": environment.server,
                "KUBE_BENCH_TOKEN": environment.adminToken,
            ]),
        timeout: .seconds(600))
    guard result.status.isSuccess, let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
        let figures = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double]
    else {
        throw KubeTestEnvironment.Failure.scriptFailed(
            "kube-bench --measure: \(result.status): \(result.output.suffix(2000))")
    }
    return figures
}

let environment = try await KubeTestEnvironment.start()
let figures: [String: Double]
let transport: String
do {
    if getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") {
        transport = "HTTPS direct, private CA trusted through the composed system bundle"
        figures = try await measureDirect(environment)
    } else {
        transport = "plain HTTP to a local TLS forwarder (not root: no private mount namespace)"
        let forwarder = try await TLSForwarder.start(upstreamPort: environment.port, caFile: environment.caFile)
        figures = try await Measurements.run(
            configuration: environment.configuration(server: URL(string: "http://127.0.0.1:\(forwarder.port)")!))
        await forwarder.stop()
    }
} catch {
    try? await environment.stop()
    throw error
}
try await environment.stop()

func format(_ value: Double?) -> String { String(format: "%8.2f", value ?? .nan) }
print("Kubernetes API (kube-apiserver v1.20.2 + etcd on loopback; \(transport))")
print("                                        p50 ms    p99 ms")
print(
    "  Lease get + update (CAS), \(Measurements.leaseIterations) runs   \(format(figures["lease_get_update_p50_ms"]))  \(format(figures["lease_get_update_p99_ms"]))"
)
print(
    "  list 1,000 of 1,200 pods by label, \(Measurements.listIterations) runs \(format(figures["list_1000_pods_p50_ms"]))  \(format(figures["list_1000_pods_p99_ms"]))"
)
var results: [String: Any] = figures
results["transport"] = transport
results["server"] = "kube-apiserver v1.20.2"
print(
    "    of which server + transfer (undecoded)   \(format(figures["list_1000_pods_undecoded_p50_ms"]))  \(format(figures["list_1000_pods_undecoded_p99_ms"]))"
)
try BenchResults.merge(section: "kube", figures: results)
