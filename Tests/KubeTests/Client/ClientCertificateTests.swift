import ChildProcesses
import Foundation
import HTTP1
import Kube
import Logging
import Testing
import Transport

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all made with openssl.
private struct TestPKI {
    let dir: String
    var ca: String { dir + "/ca.crt" }
    var serverCertificate: String { dir + "/server.crt" }
    var serverKey: String { dir + "/server.key" }
    var clientCertificate: String { dir + "/client.crt" }
    var clientKey: String { dir + "/client.key" }

    static func make() async throws -> TestPKI {
        let pki = TestPKI(dir: try makePrivateTemporaryDirectory(prefix: "kube-client-cert"))
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"]
        let steps: [[String]] = [
            ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=kube-client-test-ca"],
            ["req", "-x509"] + ec + [
                "-CA", "ca.crt", "-CAkey", "ca.key", "-keyout", "server.key", "-out", "server.crt", "-subj",
                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-addext",
                "basicConstraints=critical,CA:FALSE",
            ],
            ["req", "-x509"] + ec + [
                "-CA", "ca.crt", "-CAkey", "ca.key", "-keyout", "client.key", "-out", "client.crt", "-subj",
                "/CN=kube-admin", "-addext", "basicConstraints=critical,CA:FALSE", "-addext",
                "extendedKeyUsage=clientAuth",
            ],
        ]
        for arguments in steps {
            let result = try await ChildProcess.run(
                ProcessSpec(
                    executable: "/usr/bin/openssl", arguments: arguments, environment: ["PATH": "/usr/bin:/bin"],
                    workingDirectory: pki.dir),
                timeout: .seconds(30))
            try #require(result.status.isSuccess, "openssl \(arguments[0]): \(result.output)")
        }
        return pki
    }
}

@Suite("Client certificates")
struct ClientCertificateTests {
    @Test("a client certificate from the configuration is presented; without it the server refuses the client")
    func presented() async throws {
        let pki = try await TestPKI.make()
        defer { try? FileManager.default.removeItem(atPath: pki.dir) }
        let tls = TLSServerConfiguration(
            certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey,
            clientAuthentication: .required(trustedCAFile: pki.ca), applicationProtocols: ["http/1.1"])
        let responder = ClosureResponder { _ in
            HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"],
                body: Array(#"{"major":"1","minor":"99","gitVersion":"v1.99.0-test"}"#.utf8))
        }
        let server = try await HTTPServer.bind(
            HTTPServer.Configuration(host: "127.0.0.1", port: 0, tls: tls), responder: responder,
            logger: Logger(label: "test"))
        let task = Task { await server.run() }
        defer {
            server.close()
            task.cancel()
        }
        let url = URL(string: "https://127.0.0.1:\(server.port)")!
        let options = KubeClientOptions(requestTimeout: .seconds(10), retry: .never)
        let key = try String(contentsOfFile: pki.clientKey, encoding: .utf8)
        let withCertificate = try KubeClient(
            KubeConfiguration(
                server: url,
                credentials: .clientCertificate(certificate: .file(pki.clientCertificate), key: .inline(key)),
                certificateAuthority: .file(pki.ca)),
            options: options)
        #expect(try await withCertificate.serverVersion().gitVersion == "v1.99.0-test")

        let without = try KubeClient(
            KubeConfiguration(server: url, certificateAuthority: .file(pki.ca)), options: options)
        await #expect(throws: KubeError.self) { _ = try await without.serverVersion() }
    }
}
