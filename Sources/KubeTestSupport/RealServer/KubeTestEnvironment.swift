import ChildProcesses
public import Foundation
public import Kube

/// A real kube-apiserver v1.20.2 with etcd on loopback, started by `scripts/kube-testenv.py`
/// (spawned directly, without a shell, so that this process is its owner: the script's
/// watchdog stops the servers if this process dies without calling `stop`).
public struct KubeTestEnvironment: Sendable, Decodable {
    /// `https://127.0.0.1:<port>`.
    public let server: String
    /// The private CA that signed the server's certificate.
    public let caFile: String
    /// A `system:masters` token.
    public let adminToken: String
    /// A token without RBAC grants (403 for everything).
    public let limitedToken: String
    public let kubeconfig: String
    /// The environment's scratch folder (logs, PKI); `stop` removes it.
    public let dir: String
    public let startupSeconds: Double

    enum CodingKeys: String, CodingKey {
        case server, dir, kubeconfig
        case caFile = "ca_file"
        case adminToken = "admin_token"
        case limitedToken = "limited_token"
        case startupSeconds = "startup_seconds"
    }

    public enum Failure: Error, CustomStringConvertible {
        case scriptFailed(String)

        public var description: String {
            switch self {
            case .scriptFailed(let output): "kube-testenv.py failed: \(output)"
            }
        }
    }

    /// The repository root, found from this file's location (Sources/KubeTestSupport/RealServer).
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var script: String { repositoryRoot + "/scripts/kube-testenv.py" }

    /// Whether the apiserver binary is built (`make deps`). Tests fail rather than skip when it
    /// is missing, unless PGSWARM_KUBE_SKIP_MISSING=1 (a workstation without the build).
    public static var binariesAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["PGSWARM_KUBE_CACHE"] ?? "/var/cache/pg-swarm/kube-v1.20.2"
        let apiserver = environment["KUBE_APISERVER"] ?? cache + "/bin/kube-apiserver"
        return FileManager.default.isExecutableFile(atPath: apiserver)
    }

    public static var shouldRun: Bool {
        binariesAvailable || ProcessInfo.processInfo.environment["PGSWARM_KUBE_SKIP_MISSING"] != "1"
    }

    /// Starts etcd and the apiserver (about 2-5 s).
    /// - Parameters:
    ///   - compactionInterval: etcd compaction interval (e.g. "1s"), to provoke 410 Expired.
    ///   - watchCache: false makes watches read etcd directly (so a compacted rv is a 410).
    public static func start(compactionInterval: String? = nil, watchCache: Bool = true) async throws
        -> KubeTestEnvironment
    {
        var arguments = [script, "start", "--owner-pid", String(getpid())]
        if let compactionInterval { arguments += ["--compaction-interval", compactionInterval] }
        if !watchCache { arguments.append("--no-watch-cache") }
        let result = try await ChildProcess.run(
            ProcessSpec(executable: "/usr/bin/python3", arguments: arguments, environment: childEnvironment()),
            timeout: .seconds(180))
        guard result.status.isSuccess, let json = jsonObject(in: result.output) else {
            throw Failure.scriptFailed("\(result.status): \(result.output.suffix(2000))")
        }
        return try JSONDecoder().decode(KubeTestEnvironment.self, from: Data(json.utf8))
    }

    /// Stops the servers and removes the folder.
    public func stop() async throws {
        let result = try await ChildProcess.run(
            ProcessSpec(
                executable: "/usr/bin/python3", arguments: [Self.script, "stop", dir],
                environment: Self.childEnvironment()),
            timeout: .seconds(60))
        guard result.status.isSuccess else { throw Failure.scriptFailed(result.output) }
    }

    /// A client configuration with the admin token, for `server` (or another base URL, such as
    /// a `TLSForwarder` in front of it).
    public func configuration(server override: URL? = nil, token: String? = nil, namespace: String = "default")
        -> KubeConfiguration
    {
        KubeConfiguration(
            server: override ?? URL(string: server)!, credentials: .bearerToken(StaticToken(token ?? adminToken)),
            certificateAuthority: .file(caFile), namespace: namespace)
    }

    public var port: UInt16 { UInt16(URL(string: server)?.port ?? 0) }

    private static func childEnvironment() -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment = ["PATH": inherited["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        for (key, value) in inherited
        where key.hasPrefix("PGSWARM_") || key == "KUBE_APISERVER" || key == "TMPDIR" || key == "HOME" {
            environment[key] = value
        }
        return environment
    }

    /// The JSON object the script prints (its output also holds any stderr lines).
    private static func jsonObject(in output: String) -> String? {
        let lines = output.components(separatedBy: "\n")
        guard let first = lines.firstIndex(of: "{"), let last = lines.lastIndex(of: "}"), first < last else {
            return nil
        }
        return lines[first...last].joined(separator: "\n")
    }
}
