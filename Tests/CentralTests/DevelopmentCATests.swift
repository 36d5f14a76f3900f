import Foundation
import Testing

@testable import Central

@Suite("Development CA")
struct DevelopmentCATests {
    func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dev-ca-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path + "/central-tls"
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("created once with private keys 0600 in a 0700 folder, then reused as long as names and expiry allow")
    func lifecycle() throws {
        let directory = try scratch()
        let now = Date()
        let names = DevelopmentCA.defaultServerNames(hostName: "central-host")
        #expect(names == ["localhost", "127.0.0.1", "::1", "central-host"])
        let created = try DevelopmentCA.prepare(
            directory: directory, serverNames: names, now: now, random: SystemSecureRandom())
        #expect(created.outcome == .created)
        #expect(try mode(directory) == 0o700)
        #expect(try mode(directory + "/ca.key") == 0o600)
        #expect(try mode(directory + "/server.key") == 0o600)
        #expect(try mode(created.caCertificateFile) == 0o644)
        let ca = try String(contentsOfFile: created.caCertificateFile, encoding: .utf8)
        let server = PEMCredential(
            certificate: try String(contentsOfFile: created.serverCertificateFile, encoding: .utf8),
            privateKey: try String(contentsOfFile: directory + "/server.key", encoding: .utf8))
        let authority = PEMCredential(
            certificate: ca, privateKey: try String(contentsOfFile: directory + "/ca.key", encoding: .utf8))
        #expect(X509Issuer.isConsistent(server, signedBy: authority))
        #expect(!X509Issuer.isConsistent(authority, signedBy: server))

        let reused = try DevelopmentCA.prepare(
            directory: directory, serverNames: names, now: now.addingTimeInterval(3600), random: SystemSecureRandom())
        #expect(reused.outcome == .reused)
        // New names: same CA (satellites keep trusting it), a new server certificate.
        let renamed = try DevelopmentCA.prepare(
            directory: directory, serverNames: names + ["central.example.org", "10.0.0.7"], now: now,
            random: SystemSecureRandom())
        #expect(renamed.outcome == .reissuedServerCertificate)
        #expect(try String(contentsOfFile: renamed.caCertificateFile, encoding: .utf8) == ca)
        // Close to expiry: issued again.
        let later = try DevelopmentCA.prepare(
            directory: directory, serverNames: renamed.serverNames, now: now.addingTimeInterval(380 * 86_400),
            random: SystemSecureRandom())
        #expect(later.outcome == .reissuedServerCertificate)
        let expiry = try X509Issuer.expiry(
            ofCertificatePEM: try String(contentsOfFile: later.serverCertificateFile, encoding: .utf8))
        #expect(expiry > now.addingTimeInterval(700 * 86_400))
    }

    @Test("bad names and a damaged folder are refused with a clear message")
    func refusals() throws {
        let directory = try scratch()
        #expect(throws: DevelopmentCAError.self) {
            try DevelopmentCA.prepare(
                directory: directory, serverNames: ["bad name;rm"], now: Date(), random: SystemSecureRandom())
        }
        for name in ["localhost", "a.b-c.example", "*.svc.cluster.local", "192.168.1.2", "fe80::1"] {
            #expect(DevelopmentCA.isValidServerName(name), "\(name)")
        }
        for name in ["", "-a.example", "a..b", "a_b.example", "*", "x.*.example", String(repeating: "a", count: 64)] {
            #expect(!DevelopmentCA.isValidServerName(name), "\(name)")
        }
        _ = try DevelopmentCA.prepare(
            directory: directory, serverNames: ["localhost"], now: Date(), random: SystemSecureRandom())
        try FileManager.default.removeItem(atPath: directory + "/ca.key")
        #expect(throws: DevelopmentCAError.self) {
            try DevelopmentCA.prepare(
                directory: directory, serverNames: ["localhost"], now: Date(), random: SystemSecureRandom())
        }
        // A key that is not the CA's.
        try String(contentsOfFile: directory + "/server.key", encoding: .utf8).write(
            toFile: directory + "/ca.key", atomically: true, encoding: .utf8)
        #expect(throws: DevelopmentCAError.self) {
            try DevelopmentCA.prepare(
                directory: directory, serverNames: ["localhost"], now: Date(), random: SystemSecureRandom())
        }
    }
}
