public import Foundation
import Postgres

/// The latest health report of one cluster. `instances` keeps the report's per-instance data
/// as JSON (protobuf JSON field names), so nothing the satellite measured is dropped.
public struct ClusterHealth: Codable, Sendable, Equatable {
    public var satelliteID: UUID
    public var namespace: String
    public var clusterName: String
    public var clusterID: UUID?
    public var state: String
    public var leaseHolder: String
    public var appliedConfigVersion: Int64
    public var instances: JSONValue
    public var reportedAt: Date
    public var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case namespace, state, instances
        case satelliteID = "satellite_id"
        case clusterName = "cluster_name"
        case clusterID = "cluster_id"
        case leaseHolder = "lease_holder"
        case appliedConfigVersion = "applied_config_version"
        case reportedAt = "reported_at"
        case receivedAt = "received_at"
    }

    init(row: PostgresRow) throws {
        satelliteID = try row.decode(UUID.self, "satellite_id")
        namespace = try row.decode(String.self, "namespace")
        clusterName = try row.decode(String.self, "cluster_name")
        clusterID = try row.decode(UUID?.self, "cluster_id")
        state = try row.decode(String.self, "state")
        leaseHolder = try row.decode(String.self, "lease_holder")
        appliedConfigVersion = try row.decode(Int64.self, "applied_config_version")
        instances = try row.json(JSONValue.self, "instances")
        reportedAt = try row.decode(Date.self, "reported_at")
        receivedAt = try row.decode(Date.self, "received_at")
    }
}

/// Event severity, ordered (a filter "at least warning" means >= warning).
public enum EventSeverity: Int, Codable, Sendable, CaseIterable, Comparable {
    case unspecified = 0, info, warning, error, critical

    public var name: String {
        switch self {
        case .unspecified: return "unspecified"
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }

    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public static func < (lhs: EventSeverity, rhs: EventSeverity) -> Bool { lhs.rawValue < rhs.rawValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let value = EventSeverity(name: name) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown severity"))
        }
        self = value
    }
}

/// A stored event (from a satellite, a sidecar, or central itself).
public struct StoredEvent: Codable, Sendable, Equatable {
    public var seq: Int64
    public var id: UUID
    /// Dotted name, e.g. `cluster.state_changed`.
    public var type: String
    public var severity: EventSeverity
    public var satelliteID: UUID?
    public var clusterName: String
    public var namespace: String
    public var podName: String
    public var message: String
    public var data: [String: String]
    public var origin: String
    public var source: String
    public var operationID: String
    public var occurredAt: Date
    public var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case seq, id, type, severity, namespace, message, data, origin, source
        case satelliteID = "satellite_id"
        case clusterName = "cluster_name"
        case podName = "pod_name"
        case operationID = "operation_id"
        case occurredAt = "occurred_at"
        case receivedAt = "received_at"
    }

    static let columns = """
        seq, id, type, severity, satellite_id, cluster_name, namespace, pod_name, message, data, origin, source, \
        operation_id, occurred_at, received_at
        """

    init(row: PostgresRow) throws {
        seq = try row.decode(Int64.self, "seq")
        id = try row.decode(UUID.self, "id")
        type = try row.decode(String.self, "type")
        severity = EventSeverity(rawValue: Int(try row.decode(Int16.self, "severity"))) ?? .unspecified
        satelliteID = try row.decode(UUID?.self, "satellite_id")
        clusterName = try row.decode(String.self, "cluster_name")
        namespace = try row.decode(String.self, "namespace")
        podName = try row.decode(String.self, "pod_name")
        message = try row.decode(String.self, "message")
        data = try row.json([String: String].self, "data")
        origin = try row.decode(String.self, "origin")
        source = try row.decode(String.self, "source")
        operationID = try row.decode(String.self, "operation_id")
        occurredAt = try row.decode(Date.self, "occurred_at")
        receivedAt = try row.decode(Date.self, "received_at")
    }
}

/// An event about to be stored.
public struct NewEvent: Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var severity: EventSeverity
    public var satelliteID: UUID?
    public var clusterName: String = ""
    public var namespace: String = ""
    public var podName: String = ""
    public var message: String
    public var data: [String: String] = [:]
    public var origin: String = "central"
    public var source: String = ""
    public var operationID: String = ""
    public var occurredAt: Date

    public init(
        id: UUID = UUID(), type: String, severity: EventSeverity, satelliteID: UUID?, clusterName: String = "",
        namespace: String = "", podName: String = "", message: String, data: [String: String] = [:],
        origin: String = "central", source: String = "", operationID: String = "", occurredAt: Date
    ) {
        self.id = id
        self.type = type
        self.severity = severity
        self.satelliteID = satelliteID
        self.clusterName = clusterName
        self.namespace = namespace
        self.podName = podName
        self.message = message
        self.data = data
        self.origin = origin
        self.source = source
        self.operationID = operationID
        self.occurredAt = occurredAt
    }
}

/// A planned switchover and its progress, persisted so a central restart loses nothing.
public struct SwitchoverOperation: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public var step: String
        public var status: String
        public var targetPod: String
        public var errorMessage: String
        public var pointOfNoReturn: Bool
        public var detail: String
        public var at: Date

        enum CodingKeys: String, CodingKey {
            case step, status, detail, at
            case targetPod = "target_pod"
            case errorMessage = "error_message"
            case pointOfNoReturn = "point_of_no_return"
        }
    }

    public var id: UUID
    public var clusterID: UUID
    public var satelliteID: UUID
    public var targetPod: String
    public var interactive: Bool
    /// requested, running, waiting_for_confirmation, succeeded, failed, aborted
    public var status: String
    public var currentStep: String
    public var waitingStep: String
    public var steps: [Step]
    public var oldPrimaryPod: String
    public var newPrimaryPod: String
    public var errorMessage: String
    public var rolledBack: Bool
    public var requestedAt: Date
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, interactive, status, steps
        case clusterID = "cluster_id"
        case satelliteID = "satellite_id"
        case targetPod = "target_pod"
        case currentStep = "current_step"
        case waitingStep = "waiting_step"
        case oldPrimaryPod = "old_primary_pod"
        case newPrimaryPod = "new_primary_pod"
        case errorMessage = "error_message"
        case rolledBack = "rolled_back"
        case requestedAt = "requested_at"
        case finishedAt = "finished_at"
    }

    static let columns = """
        id, cluster_id, satellite_id, target_pod, interactive, status, current_step, waiting_step, steps, \
        old_primary_pod, new_primary_pod, error_message, rolled_back, requested_at, finished_at
        """

    public var isFinished: Bool { ["succeeded", "failed", "aborted"].contains(status) }

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        clusterID = try row.decode(UUID.self, "cluster_id")
        satelliteID = try row.decode(UUID.self, "satellite_id")
        targetPod = try row.decode(String.self, "target_pod")
        interactive = try row.decode(Bool.self, "interactive")
        status = try row.decode(String.self, "status")
        currentStep = try row.decode(String.self, "current_step")
        waitingStep = try row.decode(String.self, "waiting_step")
        steps = try row.json([Step].self, "steps")
        oldPrimaryPod = try row.decode(String.self, "old_primary_pod")
        newPrimaryPod = try row.decode(String.self, "new_primary_pod")
        errorMessage = try row.decode(String.self, "error_message")
        rolledBack = try row.decode(Bool.self, "rolled_back")
        requestedAt = try row.decode(Date.self, "requested_at")
        finishedAt = try row.decode(Date?.self, "finished_at")
    }
}
