import FoundationEssentials
import TextBasics

/// The parts of a kubeconfig file this client uses.
public struct Kubeconfig: Decodable, Sendable {
    public struct Cluster: Decodable, Sendable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
        }
    }

    public struct User: Decodable, Sendable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?

        enum CodingKeys: String, CodingKey {
            case token, tokenFile
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
        }
    }

    public struct Context: Decodable, Sendable {
        public var cluster: String
        public var user: String?
        public var namespace: String?
    }

    struct Named<Value: Decodable & Sendable>: Decodable, Sendable {
        var name: String
        var value: Value

        enum CodingKeys: String, CodingKey { case name, cluster, user, context }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            for key in [CodingKeys.cluster, .user, .context] where container.contains(key) {
                value = try container.decode(Value.self, forKey: key)
                return
            }
            throw DecodingError.keyNotFound(
                CodingKeys.cluster, .init(codingPath: decoder.codingPath, debugDescription: "entry \(name) is empty"))
        }
    }

    var clusters: [Named<Cluster>]
    var users: [Named<User>]?
    var contexts: [Named<Context>]
    public var currentContext: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    public static func parse(_ text: String, format: KubeconfigFormat = .json) throws(KubeError) -> Kubeconfig {
        do {
            return try format.decode(text)
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError.invalidConfiguration("kubeconfig: \(error)")
        }
    }

    public func cluster(named name: String) -> Cluster? { clusters.first { $0.name == name }?.value }
    public func user(named name: String) -> User? { users?.first { $0.name == name }?.value }
    public func context(named name: String) -> Context? { contexts.first { $0.name == name }?.value }
}

/// How a kubeconfig file's text becomes a `Kubeconfig`.
///
/// `.json` is built in. The YAML form (`KubeconfigFormat.yaml`, module KubeconfigYAML) is a
/// separate module because its parser needs the full Foundation, which would link CoreFoundation
/// and ICU into the failover sidecar and double its memory; the sidecar reads JSON kubeconfigs.
public struct KubeconfigFormat: Sendable {
    let decode: @Sendable (String) throws -> Kubeconfig

    public init(decode: @escaping @Sendable (String) throws -> Kubeconfig) {
        self.decode = decode
    }

    /// JSON only. A YAML file gets an error that says how to convert it.
    public static let json = KubeconfigFormat { text in
        guard text.trimmingWhitespace.hasPrefix("{") else {
            throw KubeError.invalidConfiguration(
                "kubeconfig is not JSON; this program reads kubeconfigs in JSON form "
                    + "(`kubectl config view --raw --flatten -o json` converts one)")
        }
        return try JSONDecoder().decode(Kubeconfig.self, from: Data(text.utf8))
    }
}

extension KubeConfiguration {
    /// Reads a kubeconfig file and resolves `context` (default: its current-context). Relative
    /// file paths in it are relative to the file's folder, as kubectl treats them.
    public static func kubeconfig(
        path: String, context: String? = nil, format: KubeconfigFormat = .json
    ) throws(KubeError) -> KubeConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeError.invalidConfiguration("cannot read kubeconfig \(path)")
        }
        let folder = path.parentDirectory
        return try kubeconfig(
            Kubeconfig.parse(String(decoding: data, as: UTF8.self), format: format), context: context,
            relativeTo: folder)
    }

    public static func kubeconfig(
        _ file: Kubeconfig, context name: String? = nil, relativeTo folder: String
    ) throws(KubeError) -> KubeConfiguration {
        guard let contextName = name ?? file.currentContext else {
            throw KubeError.invalidConfiguration("kubeconfig has no current-context and none was named")
        }
        guard let context = file.context(named: contextName) else {
            throw KubeError.invalidConfiguration("kubeconfig has no context \(contextName)")
        }
        guard let cluster = file.cluster(named: context.cluster) else {
            throw KubeError.invalidConfiguration("kubeconfig has no cluster \(context.cluster)")
        }
        guard let server = URL(string: cluster.server), server.scheme == "https" || server.scheme == "http" else {
            throw KubeError.invalidConfiguration("kubeconfig cluster \(context.cluster): bad server \(cluster.server)")
        }
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folder + "/" + path }
        func decoded(_ base64: String, _ field: String) throws(KubeError) -> String {
            guard let bytes = Base64.decode(base64) else {
                throw KubeError.invalidConfiguration("kubeconfig: \(field) is not base64")
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var ca: CertificateAuthority?
        if let data = cluster.certificateAuthorityData {
            ca = .inline(try decoded(data, "certificate-authority-data"))
        } else if let file = cluster.certificateAuthority {
            ca = .file(resolve(file))
        }
        var credentials = Credentials.none
        if let userName = context.user, let user = file.user(named: userName) {
            if let token = user.token {
                credentials = .bearerToken(StaticToken(token, origin: "kubeconfig user \(userName)"))
            } else if let tokenFile = user.tokenFile {
                credentials = .bearerToken(FileTokenProvider(path: resolve(tokenFile)))
            } else if user.clientCertificate != nil || user.clientCertificateData != nil {
                let certificate: PEMSource =
                    try user.clientCertificateData.map { data throws(KubeError) in
                        .inline(try decoded(data, "client-certificate-data"))
                    } ?? .file(resolve(user.clientCertificate ?? ""))
                let key: PEMSource =
                    try user.clientKeyData.map { data throws(KubeError) in
                        .inline(try decoded(data, "client-key-data"))
                    } ?? .file(resolve(user.clientKey ?? ""))
                credentials = .clientCertificate(certificate: certificate, key: key)
            }
        }
        return KubeConfiguration(
            server: server, credentials: credentials, certificateAuthority: ca,
            namespace: context.namespace ?? "default")
    }
}
