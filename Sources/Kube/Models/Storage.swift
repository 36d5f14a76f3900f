/// core/v1 PersistentVolumeClaim.
public struct PersistentVolumeClaim: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim",
        namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Preserved<PersistentVolumeClaimSpec>?
    public var status: PersistentVolumeClaimStatus?

    public init(metadata: ObjectMeta, spec: PersistentVolumeClaimSpec) {
        self.apiVersion = "v1"
        self.kind = "PersistentVolumeClaim"
        self.metadata = metadata
        self.spec = Preserved(spec)
    }
}

public struct PersistentVolumeClaimSpec: Codable, Sendable, Equatable, KnownFields {
    public var accessModes: [String]?
    /// `{"requests": {"storage": "10Gi"}}`.
    public var resources: JSONValue?
    public var storageClassName: String?
    public var volumeName: String?
    public var volumeMode: String?

    public init(accessModes: [String], storageRequest: String, storageClassName: String? = nil) {
        self.accessModes = accessModes
        self.resources = ["requests": ["storage": .string(storageRequest)]]
        self.storageClassName = storageClassName
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accessModes, resources, storageClassName, volumeName, volumeMode
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}

public struct PersistentVolumeClaimStatus: Codable, Sendable, Equatable {
    /// Pending, Bound, Lost.
    public var phase: String?
    public var accessModes: [String]?
    public var capacity: [String: String]?
}

/// storage.k8s.io/v1 StorageClass (cluster-scoped).
public struct StorageClass: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "storage.k8s.io", versions: ["v1"], plural: "storageclasses", kind: "StorageClass", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var provisioner: String
    public var parameters: [String: String]?
    public var reclaimPolicy: String?
    public var volumeBindingMode: String?
    public var allowVolumeExpansion: Bool?

    public init(metadata: ObjectMeta, provisioner: String) {
        self.apiVersion = "storage.k8s.io/v1"
        self.kind = "StorageClass"
        self.metadata = metadata
        self.provisioner = provisioner
    }
}

/// core/v1 Node (cluster-scoped).
public struct Node: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "nodes", kind: "Node", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: NodeStatus?

    public init(metadata: ObjectMeta) {
        self.apiVersion = "v1"
        self.kind = "Node"
        self.metadata = metadata
    }
}

public struct NodeStatus: Codable, Sendable, Equatable {
    public var conditions: [NodeCondition]?
    public var addresses: [NodeAddress]?
    public var capacity: [String: String]?
    public var allocatable: [String: String]?
    public var nodeInfo: JSONValue?
}

public struct NodeCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastHeartbeatTime: KubeTime?
    public var lastTransitionTime: KubeTime?
}

public struct NodeAddress: Codable, Sendable, Equatable {
    /// InternalIP, ExternalIP, Hostname.
    public var type: String
    public var address: String
}
