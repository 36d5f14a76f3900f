/// core/v1 Service.
public struct Service: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "services", kind: "Service", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Preserved<ServiceSpec>?
    public var status: JSONValue?

    public init(metadata: ObjectMeta, spec: ServiceSpec? = nil) {
        self.apiVersion = "v1"
        self.kind = "Service"
        self.metadata = metadata
        self.spec = spec.map { Preserved($0) }
    }
}

public struct ServiceSpec: Codable, Sendable, Equatable, KnownFields {
    /// ClusterIP (default), NodePort, LoadBalancer, ExternalName.
    public var type: String?
    /// Allocated by the server; `"None"` makes a headless service. Immutable once set.
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    public var publishNotReadyAddresses: Bool?
    public var sessionAffinity: String?

    public init(selector: [String: String]? = nil, ports: [ServicePort]? = nil, clusterIP: String? = nil) {
        self.selector = selector
        self.ports = ports
        self.clusterIP = clusterIP
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, clusterIP, clusterIPs, selector, ports, publishNotReadyAddresses, sessionAffinity
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}

public struct ServicePort: Codable, Sendable, Equatable {
    public var name: String?
    public var port: Int
    public var targetPort: IntOrString?
    public var `protocol`: String?
    public var nodePort: Int?

    public init(name: String? = nil, port: Int, targetPort: IntOrString? = nil, protocol proto: String? = nil) {
        self.name = name
        self.port = port
        self.targetPort = targetPort
        self.protocol = proto
    }
}

/// core/v1 Endpoints.
public struct Endpoints: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "endpoints", kind: "Endpoints", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var subsets: [EndpointSubset]?

    public init(metadata: ObjectMeta, subsets: [EndpointSubset]? = nil) {
        self.apiVersion = "v1"
        self.kind = "Endpoints"
        self.metadata = metadata
        self.subsets = subsets
    }
}

public struct EndpointSubset: Codable, Sendable, Equatable {
    public var addresses: [EndpointAddress]?
    public var notReadyAddresses: [EndpointAddress]?
    public var ports: [EndpointPort]?

    public init(addresses: [EndpointAddress]? = nil, ports: [EndpointPort]? = nil) {
        self.addresses = addresses
        self.ports = ports
    }
}

public struct EndpointAddress: Codable, Sendable, Equatable {
    public var ip: String
    public var hostname: String?
    public var nodeName: String?
    public var targetRef: JSONValue?

    public init(ip: String, hostname: String? = nil) {
        self.ip = ip
        self.hostname = hostname
    }
}

public struct EndpointPort: Codable, Sendable, Equatable {
    public var name: String?
    public var port: Int
    public var `protocol`: String?

    public init(name: String? = nil, port: Int, protocol proto: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = proto
    }
}
