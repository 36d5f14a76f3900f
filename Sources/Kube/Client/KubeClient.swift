import FoundationEssentials
public import Logging

/// A Kubernetes REST client over HTTP/1.1 (our own client, `HTTP1Client`).
///
/// Calls are typed by model (`client.get(Lease.self, "leader")`), throw `KubeError` only, and
/// end by their deadline (`KubeClientOptions.requestTimeout`, or the call's own `timeout`),
/// retries included. Reads are retried after transient failures; writes only when the server
/// certainly never saw them. Tokens are never logged; log lines carry verb, path, status,
/// attempt and duration at debug level.
public final class KubeClient: Sendable {
    public let configuration: KubeConfiguration
    public let options: KubeClientOptions
    let http: KubeHTTP
    let discovery = DiscoveryCache()

    /// Fails for configurations that cannot be used: a bad server URL, or CA or client
    /// certificate files OpenSSL cannot load.
    public init(
        _ configuration: KubeConfiguration, options: KubeClientOptions = KubeClientOptions(),
        logger: Logger = Logger(label: "kube", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(KubeError) {
        self.configuration = configuration
        self.options = options
        self.http = try KubeHTTP(configuration: configuration, options: options, logger: logger)
    }

    /// Cancels every call in flight and closes every connection. The client is unusable after.
    public func shutdown() {
        http.invalidate()
    }

    deinit {
        http.invalidate()
    }

    // MARK: Paths

    /// `/apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]`.
    func path(
        _ type: ResourceType, version: String, namespace: String?, name: String? = nil, subresource: String? = nil
    ) throws(KubeError) -> String {
        var path = type.groupVersionPath(version)
        if type.namespaced, let namespace {
            path += "/namespaces/" + (try Self.segment(namespace, "namespace"))
        }
        path += "/" + type.plural
        if let name { path += "/" + (try Self.segment(name, "name")) }
        if let subresource { path += "/" + subresource }
        return path
    }

    /// A name or namespace as a URL path segment. Names of real objects never contain '/', '?'
    /// or '%'; refusing them keeps a hostile name from addressing another resource.
    static func segment(_ text: String, _ what: String) throws(KubeError) -> String {
        guard !text.isEmpty, !text.contains(where: { "/?#%".contains($0) }), text != ".", text != ".." else {
            throw KubeError.invalidConfiguration("invalid \(what): \"\(text)\"")
        }
        return text
    }

    func namespace(for type: ResourceType, _ explicit: String?) -> String? {
        type.namespaced ? (explicit ?? configuration.namespace) : nil
    }

    func decode<T: Decodable>(_ type: T.Type, _ reply: HTTPReply, _ request: String) throws(KubeError) -> T {
        do {
            return try JSONDecoder().decode(type, from: reply.body)
        } catch {
            throw KubeError.invalidResponse("\(request): cannot decode \(type): \(error)")
        }
    }

    func encode(_ value: some Encodable) throws(KubeError) -> Data {
        do {
            return try JSONCoding.encode(value)
        } catch {
            throw KubeError.invalidConfiguration("cannot encode \(type(of: value)): \(error)")
        }
    }
}
