/// apps/v1 StatefulSet: one per PostgreSQL cluster.
public struct StatefulSet: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "apps", versions: ["v1"], plural: "statefulsets", kind: "StatefulSet", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Preserved<StatefulSetSpec>?
    public var status: Preserved<StatefulSetStatus>?

    public init(metadata: ObjectMeta, spec: StatefulSetSpec? = nil) {
        self.apiVersion = "apps/v1"
        self.kind = "StatefulSet"
        self.metadata = metadata
        self.spec = spec.map { Preserved($0) }
    }
}

public struct StatefulSetSpec: Codable, Sendable, Equatable, KnownFields {
    public var replicas: Int?
    /// Must match the template's labels; immutable.
    public var selector: LabelSelector
    public var serviceName: String
    public var template: PodTemplateSpec
    public var volumeClaimTemplates: [JSONValue]?
    public var updateStrategy: JSONValue?
    public var podManagementPolicy: String?
    public var revisionHistoryLimit: Int?

    public init(
        replicas: Int? = nil, selector: LabelSelector, serviceName: String, template: PodTemplateSpec
    ) {
        self.replicas = replicas
        self.selector = selector
        self.serviceName = serviceName
        self.template = template
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case replicas, selector, serviceName, template, volumeClaimTemplates, updateStrategy, podManagementPolicy
        case revisionHistoryLimit
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}

public struct PodTemplateSpec: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta?
    public var spec: Preserved<PodSpec>?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec.map { Preserved($0) }
    }
}

public struct StatefulSetStatus: Codable, Sendable, Equatable, KnownFields {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var readyReplicas: Int?
    public var currentReplicas: Int?
    public var updatedReplicas: Int?
    public var currentRevision: String?
    public var updateRevision: String?

    public init(replicas: Int? = nil) {
        self.replicas = replicas
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case observedGeneration, replicas, readyReplicas, currentReplicas, updatedReplicas, currentRevision
        case updateRevision
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}
