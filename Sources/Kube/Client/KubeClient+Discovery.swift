public import FoundationEssentials

/// Which group versions the server serves, asked once per client.
actor DiscoveryCache {
    private var served: [String: Bool] = [:]

    func lookup(_ groupVersion: String) -> Bool? { served[groupVersion] }
    func record(_ groupVersion: String, _ isServed: Bool) { served[groupVersion] = isServed }
}

extension KubeClient {
    /// Whether the server serves `/apis/{group}/{version}` (or `/api/{version}`).
    public func serves(group: String, version: String, timeout: Duration? = nil) async throws -> Bool {
        let key = group.isEmpty ? version : "\(group)/\(version)"
        if let known = await discovery.lookup(key) { return known }
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let isServed: Bool
        do {
            _ = try await http.send(APIRequest(method: "GET", path: path), timeout: timeout)
            isServed = true
        } catch KubeError.notFound {
            isServed = false
        }
        await discovery.record(key, isServed)
        return isServed
    }

    /// The first of the type's versions that the server serves. Types with one version skip
    /// discovery; PodDisruptionBudget gets policy/v1 or, on servers before 1.21, v1beta1.
    public func servedVersion(of type: ResourceType) async throws -> String {
        if type.versions.count == 1 { return type.versions[0] }
        for version in type.versions where try await serves(group: type.group, version: version) {
            return version
        }
        throw KubeError.unsupported(
            "\(type.kind): the server serves none of \(type.versions.map { type.apiVersion($0) }.joined(separator: ", "))"
        )
    }

    /// `/version`: the server's build (`{"gitVersion": "v1.20.2", ...}`).
    public func serverVersion(timeout: Duration? = nil) async throws -> ServerVersion {
        let request = APIRequest(method: "GET", path: "/version")
        return try decode(ServerVersion.self, try await http.send(request, timeout: timeout), request.summary)
    }

    /// A request to any path, answered raw (status and body) without turning error answers
    /// into errors: for diagnostics and conformance tests. Transport failures still throw.
    public func rawRequest(
        method: String, path: String, query: [(name: String, value: String)] = [], body: Data? = nil,
        contentType: String? = nil, timeout: Duration? = nil
    ) async throws -> (statusCode: Int, body: Data) {
        let request = APIRequest(method: method, path: path, query: query, body: body, contentType: contentType)
        do {
            let reply = try await http.send(request, timeout: timeout)
            return (reply.statusCode, reply.body)
        } catch let error as KubeError {
            guard let status = error.status, let code = status.code else { throw error }
            return (code, (try? JSONCoding.encode(status)) ?? Data())
        }
    }
}

public struct ServerVersion: Codable, Sendable, Equatable {
    public var major: String?
    public var minor: String?
    public var gitVersion: String?
    public var platform: String?
}
