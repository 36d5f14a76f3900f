import Foundation

/// A private PKI generated once per test process with the `openssl` CLI (argv arrays, a fresh
/// temporary directory): two unrelated CAs, a server certificate for `localhost`/127.0.0.1/::1
/// from each, and a client certificate from the main CA.
struct TestPKI: Sendable {
    let directory: String
    let caCertificate: String
    let serverCertificate: String
    let serverKey: String
    let clientCertificate: String
    let clientKey: String
    let otherCACertificate: String
    /// A server certificate for the same names, signed by the other CA.
    let otherServerCertificate: String
    let otherServerKey: String

    static let shared = Task { try await TestPKI.generate() }

    private static func generate() async throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("transport-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { "\(directory)/\(name)" }

        try await makeCA(name: "pg-swarm test CA", key: path("ca.key"), certificate: path("ca.pem"))
        try await makeCA(name: "unrelated CA", key: path("other-ca.key"), certificate: path("other-ca.pem"))
        let serverNames = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
        try await makeLeaf(
            name: "localhost", extensions: serverNames, in: directory, file: "server", caPrefix: "ca")
        try await makeLeaf(
            name: "localhost", extensions: serverNames, in: directory, file: "other-server", caPrefix: "other-ca")
        try await makeLeaf(
            name: "satellite-1", extensions: "subjectAltName=DNS:satellite-1", in: directory, file: "client",
            caPrefix: "ca")
        return TestPKI(
            directory: directory, caCertificate: path("ca.pem"), serverCertificate: path("server.pem"),
            serverKey: path("server.key"), clientCertificate: path("client.pem"), clientKey: path("client.key"),
            otherCACertificate: path("other-ca.pem"), otherServerCertificate: path("other-server.pem"),
            otherServerKey: path("other-server.key"))
    }

    private static func makeCA(name: String, key: String, certificate: String) async throws {
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private static func makeLeaf(
        name: String, extensions: String, in directory: String, file: String, caPrefix: String
    ) async throws {
        let key = "\(directory)/\(file).key"
        let request = "\(directory)/\(file).csr"
        try await openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=\(name)", "-addext", extensions,
            "-addext", "basicConstraints=critical,CA:FALSE",
        ])
        try await openssl([
            "x509", "-req", "-in", request, "-CA", "\(directory)/\(caPrefix).pem",
            "-CAkey", "\(directory)/\(caPrefix).key", "-set_serial", String(UInt32.random(in: 1...UInt32.max)),
            "-days", "2", "-copy_extensions", "copy", "-out", "\(directory)/\(file).pem",
        ])
    }

    private static func openssl(_ arguments: [String]) async throws {
        let status = try await TestChildProcess.run(["openssl"] + arguments)
        guard status == 0 else {
            throw PKIError(message: "openssl \(arguments.first ?? "") exited with \(status)")
        }
    }

    struct PKIError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
