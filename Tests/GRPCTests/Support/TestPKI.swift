import Foundation

/// A private CA with a server certificate for `grpc.test.example` only (so dialling 127.0.0.1
/// exercises the server-name override) and a client certificate, made once per test process
/// with the openssl CLI (argument arrays).
struct TestPKI: Sendable {
    static let serverName = "grpc.test.example"
    let caCertificate: String
    let serverCertificate: String
    let serverKey: String
    let clientCertificate: String
    let clientKey: String

    static let shared = Result { try TestPKI.generate() }

    private static func generate() throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-tests-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { "\(directory)/\(name)" }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=grpc tests CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        for (name, subject) in [("server", serverName), ("client", "satellite-1")] {
            try openssl(
                ["req", "-new"] + curve + [
                    "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(subject)",
                    "-addext", "subjectAltName=DNS:\(subject)", "-addext", "basicConstraints=critical,CA:FALSE",
                ])
            try openssl([
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                "-set_serial", name == "server" ? "1001" : "1002", "-days", "2", "-copy_extensions", "copy",
                "-out", path("\(name).pem"),
            ])
        }
        return TestPKI(
            caCertificate: path("ca.pem"), serverCertificate: path("server.pem"), serverKey: path("server.key"),
            clientCertificate: path("client.pem"), clientKey: path("client.key"))
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(description: "openssl \(arguments.first ?? "") exited with \(process.terminationStatus)")
        }
    }

    struct PKIError: Error, CustomStringConvertible {
        let description: String
    }
}
