import ChildProcesses
import Foundation
import Kube
import KubeTestSupport
import Testing

extension KubeServerTests {
    /// The client trusts the configuration's CA (the service account's `ca.crt`) directly, on
    /// top of the system store. `TrustBundle.install` (composing the system bundle with that CA,
    /// which URLSession needed) must still work and change nothing. This runs in-cluster style,
    /// inside a private mount namespace whose system bundle is a bind-mounted scratch copy: the
    /// machine's own bundle is never touched.
    @Suite("CA trust", .enabled(if: getuid() == 0, "a private mount namespace needs root"))
    struct CATrust {
        static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

        /// kube-probe, built next to the test binary (`swift build --build-tests` builds it).
        static var probe: String {
            let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/kube-probe"
            if FileManager.default.isExecutableFile(atPath: beside) { return beside }
            return KubeTestEnvironment.repositoryRoot + "/.build/debug/kube-probe"
        }

        /// Runs kube-probe as an in-cluster client of `server` whose service account carries
        /// `ca`, with a private copy of the system bundle mounted over the real one.
        static func probe(server: KubeTestEnvironment, ca: String, installCA: Bool) async throws -> ProcessResult {
            let dir = try makePrivateTemporaryDirectory(prefix: "kube-trust")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let account = dir + "/serviceaccount"
            try FileManager.default.createDirectory(atPath: account, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ca, toPath: account + "/ca.crt")
            try server.adminToken.write(toFile: account + "/token", atomically: true, encoding: .utf8)
            try "default".write(toFile: account + "/namespace", atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(atPath: systemBundle, toPath: dir + "/bundle.crt")
            var arguments = ["--in-cluster", "--service-account-dir", account, "--timeout", "10"]
            if installCA { arguments.append("--install-ca") }
            let script = "mount --bind \"$1\" \(systemBundle) && shift && exec \"$@\""
            return try await ChildProcess.run(
                ProcessSpec(
                    executable: "/usr/bin/unshare",
                    arguments: [
                        "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", dir + "/bundle.crt",
                        probe,
                    ]
                        + arguments,
                    environment: [
                        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "KUBERNETES_SERVICE_HOST": "127.0.0.1",
                        "KUBERNETES_SERVICE_PORT": String(server.port),
                    ]),
                timeout: .seconds(60))
        }

        /// A CA that signed nothing the server presents.
        static func otherCA() async throws -> String {
            let dir = try makePrivateTemporaryDirectory(prefix: "kube-other-ca")
            let result = try await ChildProcess.run(
                ProcessSpec(
                    executable: "/usr/bin/openssl",
                    arguments: [
                        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                        dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "1", "-subj", "/CN=pg-swarm-other-ca",
                    ],
                    environment: ["PATH": "/usr/bin:/bin"]),
                timeout: .seconds(30))
            try #require(result.status.isSuccess, "openssl: \(result.output)")
            return dir + "/ca.crt"
        }

        @Test("the client trusts the apiserver through its configured CA and refuses one signed by another CA")
        func composedBundle() async throws {
            try #require(
                FileManager.default.isExecutableFile(atPath: Self.probe), "build kube-probe first: \(Self.probe)")
            let server = try await KubeFixtures.shared.realServer().environment
            let systemBefore = try Data(contentsOf: URL(fileURLWithPath: Self.systemBundle))

            let trusted = try await Self.probe(server: server, ca: server.caFile, installCA: true)
            #expect(trusted.status.isSuccess, "\(trusted.output)")
            #expect(trusted.output.contains(#""gitVersion":"v1.20.2""#), "\(trusted.output)")
            #expect(trusted.output.contains(#""trustBundle":"written""#), "\(trusted.output)")

            let uncomposed = try await Self.probe(server: server, ca: server.caFile, installCA: false)
            #expect(
                uncomposed.status.isSuccess, "the configured CA is trusted without composition: \(uncomposed.output)")
            #expect(uncomposed.output.contains(#""gitVersion":"v1.20.2""#), "\(uncomposed.output)")

            let wrongCA = try await Self.probe(server: server, ca: try await Self.otherCA(), installCA: true)
            #expect(!wrongCA.status.isSuccess, "a different CA must not be trusted: \(wrongCA.output)")
            #expect(wrongCA.output.contains(#""kind":"tlsFailed""#), "\(wrongCA.output)")

            #expect(
                try Data(contentsOf: URL(fileURLWithPath: Self.systemBundle)) == systemBefore,
                "the host bundle is untouched")
        }
    }
}
