/// rbac.authorization.k8s.io/v1 Role.
public struct Role: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "rbac.authorization.k8s.io", versions: ["v1"], plural: "roles", kind: "Role", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?

    public init(metadata: ObjectMeta, rules: [PolicyRule]) {
        self.apiVersion = "rbac.authorization.k8s.io/v1"
        self.kind = "Role"
        self.metadata = metadata
        self.rules = rules
    }
}

public struct PolicyRule: Codable, Sendable, Equatable {
    public var apiGroups: [String]?
    public var resources: [String]?
    /// Must not be empty.
    public var verbs: [String]
    public var resourceNames: [String]?

    public init(apiGroups: [String], resources: [String], verbs: [String], resourceNames: [String]? = nil) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.verbs = verbs
        self.resourceNames = resourceNames
    }
}

/// rbac.authorization.k8s.io/v1 RoleBinding.
public struct RoleBinding: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "rbac.authorization.k8s.io", versions: ["v1"], plural: "rolebindings", kind: "RoleBinding",
        namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// Immutable after create.
    public var roleRef: RoleRef
    public var subjects: [Subject]?

    public init(metadata: ObjectMeta, roleRef: RoleRef, subjects: [Subject]) {
        self.apiVersion = "rbac.authorization.k8s.io/v1"
        self.kind = "RoleBinding"
        self.metadata = metadata
        self.roleRef = roleRef
        self.subjects = subjects
    }
}

public struct RoleRef: Codable, Sendable, Equatable {
    public var apiGroup: String
    public var kind: String
    public var name: String

    public init(apiGroup: String = "rbac.authorization.k8s.io", kind: String = "Role", name: String) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }
}

public struct Subject: Codable, Sendable, Equatable {
    public var kind: String
    public var name: String
    public var namespace: String?
    public var apiGroup: String?

    public init(kind: String = "ServiceAccount", name: String, namespace: String? = nil, apiGroup: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.apiGroup = apiGroup
    }
}
