import Foundation
import Kube
import Testing

@Suite("Trust bundle composition")
struct TrustBundleTests {
    static let systemCA = "-----BEGIN CERTIFICATE-----\nSYSTEM\n-----END CERTIFICATE-----\n"
    static let clusterCA = "-----BEGIN CERTIFICATE-----\nCLUSTER\n-----END CERTIFICATE-----\n"
    static let otherCA = "-----BEGIN CERTIFICATE-----\nOTHER\n-----END CERTIFICATE-----\n"

    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "trust-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test("the bundle becomes base plus the cluster CA, once, and a new CA replaces the old one")
    func composeWithoutPristineCopy() throws {
        let dir = try Self.folder()
        let bundle = dir + "/ca-certificates.crt"
        try Self.systemCA.write(toFile: bundle, atomically: true, encoding: .utf8)
        #expect(try TrustBundle.install(Self.clusterCA, into: bundle, base: dir + "/none") == .written)
        #expect(try TrustBundle.install(Self.clusterCA, into: bundle, base: dir + "/none") == .unchanged)
        #expect(TrustBundle.contains(Self.clusterCA, bundle: bundle))
        #expect(TrustBundle.contains(Self.systemCA, bundle: bundle))
        #expect(try TrustBundle.install(Self.otherCA, into: bundle, base: dir + "/none") == .written)
        let text = try Self.read(bundle)
        #expect(text.contains("OTHER") && !text.contains("CLUSTER") && text.contains("SYSTEM"))
    }

    @Test("with a pristine copy and a symlinked bundle, the link target is rewritten and stays linked")
    func composeThroughSymlink() throws {
        let dir = try Self.folder()
        try Self.systemCA.write(toFile: dir + "/system.crt", atomically: true, encoding: .utf8)
        try "stale".write(toFile: dir + "/writable.crt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/bundle.crt", withDestinationPath: dir + "/writable.crt")
        try TrustBundle.install(Self.clusterCA, into: dir + "/bundle.crt", base: dir + "/system.crt")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/bundle.crt") == dir + "/writable.crt")
        let text = try Self.read(dir + "/writable.crt")
        #expect(text.hasPrefix(Self.systemCA))
        #expect(text.contains("CLUSTER") && !text.contains("stale"))
    }

    @Test("a CA file without a certificate is refused, and so is an unwritable bundle")
    func refusals() throws {
        let dir = try Self.folder()
        #expect(throws: KubeError.self) { try TrustBundle.install("not a pem", into: dir + "/b", base: dir + "/none") }
        #expect(throws: KubeError.self) {
            try TrustBundle.install(Self.clusterCA, into: dir + "/missing-folder/b", base: dir + "/none")
        }
    }
}
