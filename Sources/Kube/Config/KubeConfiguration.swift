public import FoundationEssentials

/// Where the API server is and how to authenticate to it. Build one with `inCluster()`,
/// `kubeconfig(path:context:)` or `fromEnvironment()`. The description never shows credentials.
public struct KubeConfiguration: Sendable, CustomStringConvertible {
    /// `https://10.96.0.1:443`; a path prefix (API proxies) is kept.
    public var server: URL
    public var credentials: Credentials
    /// The CA that signed the server's certificate. The client trusts it and the system store
    /// (OpenSSL's default paths); nil trusts the system store only.
    public var certificateAuthority: CertificateAuthority?
    /// The namespace used when a call names none.
    public var namespace: String

    public init(
        server: URL, credentials: Credentials = .none, certificateAuthority: CertificateAuthority? = nil,
        namespace: String = "default"
    ) {
        self.server = server
        self.credentials = credentials
        self.certificateAuthority = certificateAuthority
        self.namespace = namespace
    }

    public var description: String {
        "KubeConfiguration(server: \(server.absoluteString), credentials: \(credentials), namespace: \(namespace))"
    }
}

public enum Credentials: Sendable, CustomStringConvertible {
    case none
    /// `Authorization: Bearer <token>`, read from the provider before every request (so a
    /// rotated service-account token is picked up).
    case bearerToken(any TokenProvider)
    /// Client-certificate authentication (kubeconfig `client-certificate[-data]`): presented
    /// in the TLS handshake of every connection to an https server.
    case clientCertificate(certificate: PEMSource, key: PEMSource)

    public var description: String {
        switch self {
        case .none: "none"
        case .bearerToken(let provider): "bearer token (\(provider.origin))"
        case .clientCertificate(let certificate, _): "client certificate (\(certificate.origin))"
        }
    }
}

/// PEM material from a file or inline (kubeconfig `*-data`, base64-decoded).
public enum PEMSource: Sendable, Equatable {
    case file(String)
    case inline(String)

    public var origin: String {
        switch self {
        case .file(let path): path
        case .inline: "inline"
        }
    }

    public func read() throws(KubeError) -> String {
        switch self {
        case .inline(let text):
            return text
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeError.invalidConfiguration("cannot read \(path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

public typealias CertificateAuthority = PEMSource
