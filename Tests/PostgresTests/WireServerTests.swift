import ChildProcesses
import FoundationEssentials
import Glibc
import PostgresTestSupport
import Testing

@testable import Postgres

/// The wire client against a real server: each password method, the password file, TLS with and
/// without verification, several hosts and target_session_attrs.
@Suite("Wire protocol client against a real server", .serialized)
struct WireServerTests {
    @Test("password, md5 and scram-sha-256 logins work with the right password and fail clearly otherwise")
    func passwordMethods() async throws {
        try await withCluster(replicas: 0) { cluster in
            let node = cluster.initialPrimary
            let admin = try await node.connect()
            for (role, method) in [("plain_user", "password"), ("md5_user", "md5"), ("scram_user", "scram-sha-256")] {
                let encryption = method == "md5" ? "md5" : "scram-sha-256"
                try await admin.query("SET password_encryption = \(literal: encryption)")
                try await admin.query("CREATE ROLE \(identifier: role) LOGIN PASSWORD 'Secr3t:pw'")
            }
            _ = try await node.writeConfigurationFile(
                named: "pg_hba.conf",
                contents: """
                    local all all trust
                    host all plain_user 127.0.0.1/32 password
                    host all md5_user 127.0.0.1/32 md5
                    host all scram_user 127.0.0.1/32 scram-sha-256
                    host all all 127.0.0.1/32 trust
                    """)
            try await admin.query("SELECT pg_reload_conf()")
            try await Task.sleep(for: .milliseconds(300))
            for role in ["plain_user", "md5_user", "scram_user"] {
                let base = "host=127.0.0.1 port=\(node.port) user=\(role) dbname=postgres sslmode=disable"
                let connection = try await PostgresConnection.connect(
                    PostgresConfiguration(connectionString: base + " password='Secr3t:pw'"))
                let who = try await connection.query("SELECT current_user AS who").rows[0].decode(String.self, "who")
                #expect(who == role)
                await connection.close()
                await expectConnectFailure(base + " password=wrong", containing: "password authentication failed")
                await expectConnectFailure(base, containing: "no password supplied")
            }
            // The password file supplies what the string does not; group-readable files are ignored.
            let folder = try makePrivateTemporaryDirectory(prefix: "pgswarm-pgpass-test")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let passfile = folder + "/pgpass"
            try "127.0.0.1:\(node.port):*:scram_user:Secr3t\\:pw\n".write(
                toFile: passfile, atomically: false, encoding: .utf8)
            chmod(passfile, 0o600)
            let viaFile = "host=127.0.0.1 port=\(node.port) user=scram_user dbname=postgres passfile=\(passfile)"
            let connection = try await PostgresConnection.connect(PostgresConfiguration(connectionString: viaFile))
            await connection.close()
            chmod(passfile, 0o640)
            await expectConnectFailure(viaFile, containing: "no password supplied")
            await admin.close()
        }
    }

    @Test(
        "TLS: prefer and require encrypt, verify-full checks the name, allow falls back to TLS, require fails without TLS"
    )
    func tls() async throws {
        try await withCluster(replicas: 0) { cluster in
            let node = cluster.initialPrimary
            let plain = "host=127.0.0.1 port=\(node.port) user=postgres dbname=postgres"
            await expectConnectFailure(plain + " sslmode=require", containing: "server does not support SSL")
            #expect(try await usesTLS(plain + " sslmode=prefer") == false)

            let (certificate, key) = try await selfSignedCertificate(name: "localhost")
            let certificatePath = try await node.writeConfigurationFile(named: "server.crt", contents: certificate)
            let keyPath = try await node.writeConfigurationFile(named: "server.key", contents: key)
            try await node.configure([
                "ssl": "on", "ssl_cert_file": "'\(certificatePath)'", "ssl_key_file": "'\(keyPath)'",
            ])
            try await node.restart()

            #expect(try await usesTLS(plain) == true)  // sslmode=prefer by default
            #expect(try await usesTLS(plain + " sslmode=require") == true)
            #expect(try await usesTLS(plain + " sslmode=disable") == false)
            let folder = try makePrivateTemporaryDirectory(prefix: "pgswarm-tls-test")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let root = folder + "/root.crt"
            try certificate.write(toFile: root, atomically: false, encoding: .utf8)
            let byName = "host=localhost port=\(node.port) user=postgres dbname=postgres sslrootcert=\(root)"
            #expect(try await usesTLS(byName + " sslmode=verify-full") == true)
            // The certificate names localhost only: 127.0.0.1 passes verify-ca but not verify-full.
            #expect(try await usesTLS(plain + " sslrootcert=\(root) sslmode=verify-ca") == true)
            await expectConnectFailure(
                plain + " sslrootcert=\(root) sslmode=verify-full", containing: "certificate verify failed")
            // A root that did not sign the server's certificate fails the chain.
            let (other, _) = try await selfSignedCertificate(name: "localhost")
            let otherRoot = folder + "/other.crt"
            try other.write(toFile: otherRoot, atomically: false, encoding: .utf8)
            await expectConnectFailure(
                byName.replacing(root, with: otherRoot) + " sslmode=verify-ca", containing: "certificate verify failed")
            // A server that takes TCP sessions over TLS only: allow tries plain, then TLS.
            _ = try await node.writeConfigurationFile(
                named: "pg_hba.conf", contents: "local all all trust\nhostssl all all 127.0.0.1/32 trust\n")
            let admin = try await node.connect(viaSocket: true)
            try await admin.query("SELECT pg_reload_conf()")
            await admin.close()
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await usesTLS(plain + " sslmode=allow") == true)
            await expectConnectFailure(plain + " sslmode=disable", containing: "no pg_hba.conf entry")
        }
    }

    @Test("several hosts are tried in order; target_session_attrs picks the kind of server")
    func severalHosts() async throws {
        let node = try await SharedServer.shared.node()
        let closed = try ScratchSpace.reservePort()
        let hosts = "host=127.0.0.1,127.0.0.1 port=\(closed),\(node.port) user=postgres dbname=postgres"
        let connection = try await PostgresConnection.connect(PostgresConfiguration(connectionString: hosts))
        #expect(await connection.serverVersion >= 100000)
        await connection.close()
        let writable = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: hosts + " target_session_attrs=read-write"))
        await writable.close()
        await expectConnectFailure(hosts + " target_session_attrs=standby", containing: "is not standby")
    }

    // MARK: Helpers

    private func usesTLS(_ conninfo: String) async throws -> Bool {
        let connection = try await PostgresConnection.connect(PostgresConfiguration(connectionString: conninfo))
        defer { Task { await connection.close() } }
        return try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").rows[0]
            .decode(Bool.self, "ssl")
    }

    private func expectConnectFailure(
        _ conninfo: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            let connection = try await PostgresConnection.connect(
                PostgresConfiguration(connectionString: conninfo, connectTimeout: 5))
            await connection.close()
            Issue.record("connected, expected a failure containing \"\(text)\"", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(text), "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// A throwaway certificate for `name` and its key, both PEM, made by the openssl tool.
    private func selfSignedCertificate(name: String) async throws -> (certificate: String, key: String) {
        let folder = try makePrivateTemporaryDirectory(prefix: "pgswarm-cert")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await ChildProcess.run(
            ProcessSpec(
                executable: "/usr/bin/openssl",
                arguments: [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)", "-keyout", folder + "/key.pem",
                    "-out", folder + "/certificate.pem",
                ]), timeout: .seconds(30))
        #expect(result.status == .exited(code: 0), "\(result.output)")
        let certificate = String(
            decoding: FileManager.default.contents(atPath: folder + "/certificate.pem") ?? Data(), as: UTF8.self)
        let key = String(decoding: FileManager.default.contents(atPath: folder + "/key.pem") ?? Data(), as: UTF8.self)
        return (certificate, key)
    }
}
