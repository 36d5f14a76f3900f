/// Where a kind lives in the API: `/api/v1/...` for the core group, `/apis/{group}/{version}/...`
/// otherwise, namespaced or cluster-wide.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// "" for the core group.
    public var group: String
    /// Versions this client can speak, preferred first (PodDisruptionBudget: v1, then v1beta1
    /// for servers older than 1.21). The client picks the first one the server serves.
    public var versions: [String]
    /// Lower-case plural used in URLs and in Status `details.kind` (`leases`).
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, versions: [String], plural: String, kind: String, namespaced: Bool) {
        precondition(!versions.isEmpty, "a resource type needs at least one version")
        self.group = group
        self.versions = versions
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// The preferred version.
    public var version: String { versions[0] }

    /// `v1` or `coordination.k8s.io/v1`.
    public func apiVersion(_ version: String) -> String {
        group.isEmpty ? version : "\(group)/\(version)"
    }

    /// `/api/v1` or `/apis/coordination.k8s.io/v1`.
    public func groupVersionPath(_ version: String) -> String {
        group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
    }

    /// `leases.coordination.k8s.io`, as in server messages.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
    public var description: String { qualifiedName }
}

/// A typed Kubernetes object.
public protocol KubeObject: Codable, Sendable {
    static var resourceType: ResourceType { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }
}

extension KubeObject {
    public var name: String? { metadata.name }
    public var namespace: String? { metadata.namespace }
    public var resourceVersion: String? { metadata.resourceVersion }
}

/// A page of a list (`PodList`, `LeaseList`, ...).
public struct ObjectList<Object: KubeObject>: Codable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ListMeta
    public var items: [Object]

    public init(metadata: ListMeta, items: [Object]) {
        self.metadata = metadata
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        // The server sends `"items": null` for an empty list in some versions.
        items = try container.decodeIfPresent([Object].self, forKey: .items) ?? []
    }
}
