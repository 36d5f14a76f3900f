/// `metadata` of every object. Every field of `meta/v1.ObjectMeta` is modelled except
/// `managedFields`: server-side-apply bookkeeping that nothing here reads, which made up half
/// the decoding time of a pod list, and which the server keeps as they are when an update
/// omits them (checked by the conformance suite).
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    /// Set instead of `name` to let the server pick a unique name (prefix + 5 characters).
    public var generateName: String?
    public var namespace: String?
    public var selfLink: String?
    public var uid: String?
    /// Opaque; compare only for equality. Sent back on update for optimistic concurrency.
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: KubeTime?
    public var deletionTimestamp: KubeTime?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var clusterName: String?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, resourceVersion: String? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.resourceVersion = resourceVersion
    }
}

public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// `metadata` of a list: the snapshot resourceVersion (start a watch from it) and pagination.
public struct ListMeta: Codable, Sendable, Equatable {
    public var resourceVersion: String?
    /// Pass as `continue` to get the next page of the same snapshot.
    public var `continue`: String?
    public var remainingItemCount: Int64?
    public var selfLink: String?

    public init(resourceVersion: String? = nil, continue token: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = token
        self.remainingItemCount = remainingItemCount
    }
}
