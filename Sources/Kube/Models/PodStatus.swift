/// Pod `status`: what the health monitor and the failover sidecar read.
public struct PodStatus: Codable, Sendable, Equatable, KnownFields {
    /// Pending, Running, Succeeded, Failed, Unknown.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var containerStatuses: [ContainerStatus]?
    public var initContainerStatuses: [ContainerStatus]?
    public var podIP: String?
    public var podIPs: [JSONValue]?
    public var hostIP: String?
    public var startTime: KubeTime?
    public var reason: String?
    public var message: String?
    public var qosClass: String?

    public init(phase: String? = nil) {
        self.phase = phase
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case phase, conditions, containerStatuses, initContainerStatuses, podIP, podIPs, hostIP, startTime
        case reason, message, qosClass
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))

    /// The condition of `type` (`Ready`, `ContainersReady`, `PodScheduled`, `Initialized`).
    public func condition(_ type: String) -> PodCondition? {
        conditions?.first { $0.type == type }
    }
}

public struct PodCondition: Codable, Sendable, Equatable {
    public var type: String
    /// "True", "False" or "Unknown".
    public var status: String
    public var lastProbeTime: KubeTime?
    public var lastTransitionTime: KubeTime?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastTransitionTime: KubeTime? = nil, reason: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
    }
}

public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var ready: Bool
    public var restartCount: Int
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var started: Bool?
    /// `{"running": {...}}`, `{"waiting": {"reason": ...}}` or `{"terminated": {...}}`.
    public var state: JSONValue?
    public var lastState: JSONValue?

    public init(name: String, ready: Bool, restartCount: Int = 0) {
        self.name = name
        self.ready = ready
        self.restartCount = restartCount
    }
}
