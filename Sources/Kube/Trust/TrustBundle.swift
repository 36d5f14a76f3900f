import FoundationEssentials
import Glibc
import TextBasics

/// Composes the system CA bundle with a private CA (the service-account CA in a pod), for
/// programs that only trust the system bundle. `KubeClient` no longer needs it: it trusts the
/// configuration's CA directly. It was written for URLSession:
///
/// FoundationNetworking (libcurl + OpenSSL) verifies servers against one file only, the system
/// bundle `/etc/ssl/certs/ca-certificates.crt`; it offers no per-process trust, and
/// `SSL_CERT_FILE`, `CURL_CA_BUNDLE` and the server-trust delegate are all ignored. So before
/// the first request (before the first `KubeClient` exists: libcurl caches the bundle it
/// loaded), the process writes the system bundle plus the extra CA into that path.
///
/// What the container image must provide (see README, "Kubernetes client"):
/// - a copy of the distribution bundle at `pristineBundlePath`
///   (`cp /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.system.crt`), and
/// - a bundle path the process may write: either `ca-certificates.crt` replaced by a symlink to
///   a file in a writable volume (e.g. an `emptyDir` at /run/pg-swarm/trust, for a read-only
///   root filesystem), or the file itself owned by the container's user.
///
/// Without the pristine copy, the current bundle minus anything this type appended before is
/// used as the base, so composing twice never stacks up copies.
public enum TrustBundle {
    public static let systemBundlePath = "/etc/ssl/certs/ca-certificates.crt"
    public static let pristineBundlePath = "/etc/ssl/certs/ca-certificates.system.crt"
    /// Starts the appended block; everything before it is the base bundle.
    static let marker = "# pg-swarm: additional certificate authorities (composed at start-up)"
    /// CA bundles are a few hundred KiB; anything much larger is not one.
    static let maximumBundleBytes = 16 << 20

    public enum Outcome: Sendable, Equatable {
        /// The bundle already was the base plus these CAs.
        case unchanged
        /// The bundle was rewritten.
        case written
    }

    /// Writes `target` = base bundle + `pem`. `pem` must contain at least one certificate.
    @discardableResult
    public static func install(
        _ pem: String, into target: String = systemBundlePath, base: String = pristineBundlePath
    ) throws(KubeError) -> Outcome {
        let extra = pem.trimmingWhitespace
        guard extra.contains("-----BEGIN CERTIFICATE-----"), extra.contains("-----END CERTIFICATE-----") else {
            throw KubeError.invalidConfiguration("trust bundle: the CA to add contains no PEM certificate")
        }
        let destination = resolvedPath(target)
        let current = try read(destination) ?? ""
        var baseText = try read(base) ?? strippedOfOurBlock(current)
        if !baseText.isEmpty, !baseText.hasSuffix("\n") { baseText += "\n" }
        let composed = baseText + marker + "\n" + extra + "\n"
        if composed == current { return .unchanged }
        try write(composed, to: destination)
        return .written
    }

    /// Whether every certificate of `pem` is in the bundle at `path`.
    public static func contains(_ pem: String, bundle path: String = systemBundlePath) -> Bool {
        guard let bundle = try? read(path) else { return false }
        let certificates = certificateBlocks(pem)
        return !certificates.isEmpty && certificates.allSatisfy { bundle.contains($0) }
    }

    static func strippedOfOurBlock(_ bundle: String) -> String {
        guard let range = bundle.firstRange(of: marker) else { return bundle }
        return String(bundle[..<range.lowerBound])
    }

    static func certificateBlocks(_ pem: String) -> [String] {
        var blocks: [String] = []
        var rest = Substring(pem)
        while let start = rest.firstRange(of: "-----BEGIN CERTIFICATE-----"),
            let end = rest[start.upperBound...].firstRange(of: "-----END CERTIFICATE-----")
        {
            blocks.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return blocks
    }

    /// Follows symlinks, so that writing keeps a symlinked bundle a symlink.
    static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func read(_ path: String) throws(KubeError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeError.invalidConfiguration("trust bundle: cannot read \(path)")
        }
        guard data.count <= maximumBundleBytes else {
            throw KubeError.invalidConfiguration("trust bundle: \(path) is larger than 16 MiB")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Atomically (temporary file + rename) where the folder is writable; in place where only
    /// the file is (a file bind-mounted over the bundle, which cannot be renamed over).
    private static func write(_ text: String, to path: String) throws(KubeError) {
        let folder = path.parentDirectory
        var template = Array("\(folder)/.ca-bundle.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd >= 0 {
            let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            fchmod(fd, 0o644)
            let wrote = writeAll(fd, text)
            close(fd)
            if wrote, rename(temporary, path) == 0 { return }
            unlink(temporary)
        }
        let direct = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard direct >= 0 else {
            throw KubeError.invalidConfiguration(
                "trust bundle: cannot write \(path) (\(String(cString: strerror(errno)))); the image must make it"
                    + " writable or a symlink into a writable volume")
        }
        defer { close(direct) }
        guard writeAll(direct, text) else {
            throw KubeError.invalidConfiguration(
                "trust bundle: writing \(path) failed: \(String(cString: strerror(errno)))")
        }
    }

    private static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(written)
        }
        return fsync(fd) == 0
    }
}
