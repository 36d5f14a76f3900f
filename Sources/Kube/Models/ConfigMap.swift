/// core/v1 ConfigMap.
public struct ConfigMap: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "configmaps", kind: "ConfigMap", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var data: [String: String]?
    /// Base64 values; keys must not repeat keys of `data`.
    public var binaryData: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: String]? = nil) {
        self.apiVersion = "v1"
        self.kind = "ConfigMap"
        self.metadata = metadata
        self.data = data
    }
}

/// core/v1 Secret. Values are never logged by this module.
public struct Secret: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "secrets", kind: "Secret", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// Base64 values, as on the wire; see `value(_:)`.
    public var data: [String: String]?
    /// Write-only plain values, merged into `data` by the server.
    public var stringData: [String: String]?
    /// Immutable after create. Default `Opaque`.
    public var type: String?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, stringData: [String: String]? = nil, type: String? = nil) {
        self.apiVersion = "v1"
        self.kind = "Secret"
        self.metadata = metadata
        self.stringData = stringData
        self.type = type
    }

    /// The decoded bytes of `data[key]`.
    public func value(_ key: String) -> [UInt8]? {
        data?[key].flatMap { Base64.decode($0) }
    }
}

/// core/v1 ServiceAccount.
public struct ServiceAccount: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var secrets: [JSONValue]?
    public var imagePullSecrets: [JSONValue]?
    public var automountServiceAccountToken: Bool?

    public init(metadata: ObjectMeta) {
        self.apiVersion = "v1"
        self.kind = "ServiceAccount"
        self.metadata = metadata
    }
}

/// core/v1 Namespace (cluster-scoped).
public struct Namespace: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "namespaces", kind: "Namespace", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: NamespaceStatus?

    public init(metadata: ObjectMeta) {
        self.apiVersion = "v1"
        self.kind = "Namespace"
        self.metadata = metadata
    }
}

public struct NamespaceStatus: Codable, Sendable, Equatable {
    /// Active or Terminating.
    public var phase: String?
    public var conditions: [JSONValue]?
}
