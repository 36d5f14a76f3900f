/// core/v1 Pod. Spec and status model what pg-swarm reads and writes; every other field is
/// kept (`Preserved`, `JSONValue`) so an update round-trips the object.
public struct Pod: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "", versions: ["v1"], plural: "pods", kind: "Pod", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Preserved<PodSpec>?
    public var status: Preserved<PodStatus>?

    public init(metadata: ObjectMeta, spec: PodSpec? = nil) {
        self.apiVersion = "v1"
        self.kind = "Pod"
        self.metadata = metadata
        self.spec = spec.map { Preserved($0) }
    }
}

public struct PodSpec: Codable, Sendable, Equatable, KnownFields {
    public var containers: [Preserved<Container>]
    public var initContainers: [Preserved<Container>]?
    public var nodeName: String?
    public var serviceAccountName: String?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var hostname: String?
    public var subdomain: String?
    public var schedulerName: String?
    public var dnsPolicy: String?
    public var priorityClassName: String?
    public var nodeSelector: [String: String]?
    public var volumes: [JSONValue]?
    public var affinity: JSONValue?
    public var tolerations: [JSONValue]?
    public var securityContext: JSONValue?

    public init(containers: [Container]) {
        self.containers = containers.map { Preserved($0) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case containers, initContainers, nodeName, serviceAccountName, restartPolicy, terminationGracePeriodSeconds
        case hostname, subdomain, schedulerName, dnsPolicy, priorityClassName, nodeSelector, volumes, affinity
        case tolerations, securityContext
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}

public struct Container: Codable, Sendable, Equatable, KnownFields {
    public var name: String
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var env: [EnvVar]?
    public var ports: [ContainerPort]?
    public var resources: JSONValue?
    public var volumeMounts: [JSONValue]?
    public var readinessProbe: JSONValue?
    public var livenessProbe: JSONValue?
    public var imagePullPolicy: String?

    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, image, command, args, env, ports, resources, volumeMounts, readinessProbe, livenessProbe
        case imagePullPolicy
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}

public struct EnvVar: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    public var valueFrom: JSONValue?

    public init(name: String, value: String? = nil, valueFrom: JSONValue? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

public struct ContainerPort: Codable, Sendable, Equatable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String?

    public init(name: String? = nil, containerPort: Int, protocol proto: String? = nil) {
        self.name = name
        self.containerPort = containerPort
        self.protocol = proto
    }
}
