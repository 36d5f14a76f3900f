import FoundationEssentials
import Glibc
import HTTP1
import Transport

/// Where requests go: the API server's address, its TLS settings and the path prefix, all
/// derived once from a `KubeConfiguration`.
struct KubeEndpoint: Sendable {
    /// `/prefix` of a server URL with a path (API proxies), without a trailing slash.
    let pathPrefix: String
    let client: HTTP1Client

    /// Builds the connection settings. The server's certificate must chain to the system store
    /// or to the configuration's CA (the same set a composed system bundle held); a client
    /// certificate, if configured, is presented.
    init(configuration: KubeConfiguration, options: KubeClientOptions) throws(KubeError) {
        let server = configuration.server
        guard let scheme = server.scheme?.lowercased(), scheme == "https" || scheme == "http",
            var host = server.host(percentEncoded: false), !host.isEmpty
        else {
            throw KubeError.invalidConfiguration("bad server URL \(server.absoluteString)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let defaultPort: UInt16 = scheme == "https" ? 443 : 80
        let port = server.port.flatMap { UInt16(exactly: $0) } ?? defaultPort
        var prefix = server.path(percentEncoded: true)
        while prefix.hasSuffix("/") { prefix.removeLast() }
        pathPrefix = prefix
        let tls: TLSClientContext? = scheme == "https" ? try Self.tlsContext(for: configuration) : nil
        let bracketed = host.contains(":") ? "[\(host)]" : host
        client = HTTP1Client(
            configuration: HTTP1Client.Configuration(
                host: host, port: port, tls: tls, hostField: port == defaultPort ? bracketed : "\(bracketed):\(port)",
                maximumIdleConnections: options.maximumConnectionsPerHost))
    }

    private static func tlsContext(for configuration: KubeConfiguration) throws(KubeError) -> TLSClientContext {
        let scratch = try PrivateScratch()
        defer { scratch.remove() }
        var settings = TLSClientConfiguration(applicationProtocols: ["http/1.1"])
        if let ca = configuration.certificateAuthority {
            settings.trustRoots = .systemAndCAFile(try scratch.file(for: ca, named: "ca.crt"))
        }
        if case .clientCertificate(let certificate, let key) = configuration.credentials {
            settings.clientCertificate = TLSClientConfiguration.ClientCertificate(
                certificateChainFile: try scratch.file(for: certificate, named: "client.crt"),
                privateKeyFile: try scratch.file(for: key, named: "client.key"))
        }
        do {
            return try TLSClientContext(configuration: settings)
        } catch {
            throw KubeError.invalidConfiguration("TLS settings: \(error)")
        }
    }
}

/// A folder only this process's user can read, for inline PEM material that OpenSSL wants as
/// files. The files are read when the TLS context is built, then removed.
private struct PrivateScratch {
    let path: String

    init() throws(KubeError) {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/kube-tls.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw KubeError.invalidConfiguration("cannot create a private folder for TLS files in \(base)")
        }
        path = String(cString: made)
    }

    /// The file of `source`: a file source as is, inline text written to a 0600 file.
    func file(for source: PEMSource, named name: String) throws(KubeError) -> String {
        switch source {
        case .file(let file):
            return file
        case .inline(let text):
            let target = path + "/" + name
            let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw KubeError.invalidConfiguration("cannot write \(target)") }
            defer { close(fd) }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw KubeError.invalidConfiguration("cannot write \(target)") }
                bytes = bytes.dropFirst(written)
            }
            return target
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
