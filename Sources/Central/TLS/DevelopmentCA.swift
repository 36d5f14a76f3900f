public import Foundation
import Glibc
public import Transport

/// Central's private certificate authority for development, so gRPC is TLS from the first start
/// without anyone making certificates: a CA and a server certificate it signed, in a folder only
/// the owner can enter (0700), private keys 0600. Created once, reused afterwards; the server
/// certificate is issued again when its names change or it nears expiry. Satellites trust the
/// CA certificate (`ca.pem`), which is safe to copy; nothing else in the folder is.
///
/// Production passes its own certificate (`--tls-cert-file`, `--tls-key-file`) instead.
public struct DevelopmentCA: Sendable, Equatable {
    /// What `prepare` did, for the startup message.
    public enum Outcome: Sendable, Equatable {
        case created
        case reused
        /// The CA was kept; the server certificate was issued again (new names or expiry).
        case reissuedServerCertificate
    }

    public let directory: String
    /// The names the server certificate is valid for (DNS names and IP addresses).
    public let serverNames: [String]
    public let outcome: Outcome

    /// The CA certificate satellites trust (public).
    public var caCertificateFile: String { directory + "/ca.pem" }
    var caKeyFile: String { directory + "/ca.key" }
    public var serverCertificateFile: String { directory + "/server.pem" }
    var serverKeyFile: String { directory + "/server.key" }
    var serverNamesFile: String { directory + "/server.names" }

    public var serverConfiguration: TLSServerConfiguration {
        TLSServerConfiguration(certificateChainFile: serverCertificateFile, privateKeyFile: serverKeyFile)
    }

    /// Validity of the CA; a development CA outliving its checkout is harmless.
    static let caValidity: TimeInterval = 10 * 365 * 86_400
    /// Validity of a server certificate (the longest that TLS clients commonly accept).
    static let serverValidity: TimeInterval = 397 * 86_400
    /// A server certificate with less left than this is issued again at start.
    static let renewalMargin: TimeInterval = 30 * 86_400
    /// Clocks of satellites may lag central's; certificates are valid from a day before issue.
    static let backdating: TimeInterval = 86_400

    /// The names always in the server certificate: loopback and this machine's host name.
    public static func defaultServerNames(hostName: String?) -> [String] {
        var names = ["localhost", "127.0.0.1", "::1"]
        if let hostName, SubjectName.isValid(hostName), !names.contains(hostName) { names.append(hostName) }
        return names
    }

    /// Whether a server certificate can name it: a DNS name (`*.` allowed first) or an IP address.
    public static func isValidServerName(_ name: String) -> Bool { SubjectName.isValid(name) }

    /// Loads the CA in `directory`, or creates it, and makes sure the server certificate covers
    /// `serverNames` and is not about to expire.
    public static func prepare(
        directory: String, serverNames: [String], now: Date, random: any SecureRandom
    ) throws(DevelopmentCAError) -> DevelopmentCA {
        for name in serverNames where !SubjectName.isValid(name) {
            throw DevelopmentCAError("'\(name)' is neither a DNS name nor an IP address")
        }
        var names: [String] = []
        for name in serverNames where !names.contains(name) { names.append(name) }
        let files = DevelopmentCA(directory: directory, serverNames: names, outcome: .reused)
        try makePrivateDirectory(directory)
        var outcome = Outcome.reused
        let authority: PEMCredential
        switch (read(files.caCertificateFile), read(files.caKeyFile)) {
        case (let certificate?, let key?):
            authority = PEMCredential(certificate: certificate, privateKey: key)
            guard X509Issuer.isConsistent(authority) else {
                throw DevelopmentCAError("\(files.caKeyFile) does not belong to \(files.caCertificateFile)")
            }
        case (nil, nil):
            authority = try X509Issuer.certificateAuthority(
                commonName: "pg-swarm central development CA", notBefore: now - backdating,
                notAfter: now + caValidity, serial: random.bytes(16))
            try write(authority.privateKey, to: files.caKeyFile, mode: 0o600)
            try write(authority.certificate, to: files.caCertificateFile, mode: 0o644)
            outcome = .created
        default:
            throw DevelopmentCAError(
                "\(directory) holds only half of a CA (ca.pem and ca.key go together); restore it or remove the folder")
        }
        if outcome == .reused, !files.serverCertificateIsCurrent(signedBy: authority, now: now) {
            outcome = .reissuedServerCertificate
        }
        if outcome != .reused {
            let server = try X509Issuer.serverCertificate(
                names: names, issuer: authority, notBefore: now - backdating, notAfter: now + serverValidity,
                serial: random.bytes(16))
            try write(server.privateKey, to: files.serverKeyFile, mode: 0o600)
            try write(server.certificate, to: files.serverCertificateFile, mode: 0o644)
            try write(names.joined(separator: "\n") + "\n", to: files.serverNamesFile, mode: 0o644)
        }
        return DevelopmentCA(directory: directory, serverNames: names, outcome: outcome)
    }

    private init(directory: String, serverNames: [String], outcome: Outcome) {
        self.directory = directory
        self.serverNames = serverNames
        self.outcome = outcome
    }

    private func serverCertificateIsCurrent(signedBy authority: PEMCredential, now: Date) -> Bool {
        guard let certificate = Self.read(serverCertificateFile), let key = Self.read(serverKeyFile),
            let namesText = Self.read(serverNamesFile)
        else { return false }
        let issuedFor = namesText.split(separator: "\n").map(String.init)
        guard issuedFor == serverNames,
            X509Issuer.isConsistent(PEMCredential(certificate: certificate, privateKey: key), signedBy: authority),
            let expiry = try? X509Issuer.expiry(ofCertificatePEM: certificate)
        else { return false }
        return expiry > now + Self.renewalMargin
    }

    // MARK: Files

    private static func makePrivateDirectory(_ path: String) throws(DevelopmentCAError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DevelopmentCAError("cannot create \(path): \(error.localizedDescription)")
        }
        // An existing folder may have been created with wider permissions.
        guard chmod(path, 0o700) == 0 else {
            throw DevelopmentCAError("cannot restrict \(path) to its owner: \(String(cString: strerror(errno)))")
        }
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes through a temporary file created with `mode` (never readable by others, even
    /// for a moment), then renames it into place.
    private static func write(_ text: String, to path: String, mode: mode_t) throws(DevelopmentCAError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw DevelopmentCAError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                close(descriptor)
                unlink(temporary)
                throw DevelopmentCAError("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        let synced = fchmod(descriptor, mode) == 0 && fsync(descriptor) == 0
        let closed = close(descriptor) == 0
        guard synced, closed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DevelopmentCAError("cannot store \(path): \(String(cString: strerror(errno)))")
        }
    }
}
