public import Foundation
import Postgres

/// Lifecycle of a satellite (see common.proto SatelliteState).
public enum SatelliteState: String, Codable, Sendable, CaseIterable {
    case pending, approved, connected, disconnected, replaced, rejected

    /// Approved at some point and not revoked: its token authenticates streams.
    public var isActive: Bool {
        switch self {
        case .approved, .connected, .disconnected: return true
        case .pending, .replaced, .rejected: return false
        }
    }
}

/// A Kubernetes StorageClass as reported by a satellite.
public struct StorageClassInfo: Codable, Sendable, Equatable {
    public var name: String
    public var provisioner: String
    public var reclaimPolicy: String
    public var volumeBindingMode: String
    public var isDefault: Bool
    public var allowVolumeExpansion: Bool

    enum CodingKeys: String, CodingKey {
        case name, provisioner
        case reclaimPolicy = "reclaim_policy"
        case volumeBindingMode = "volume_binding_mode"
        case isDefault = "is_default"
        case allowVolumeExpansion = "allow_volume_expansion"
    }
}

/// A satellite as the API shows it. The token hash is not part of it.
public struct Satellite: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String?
    public var hostname: String
    public var k8sClusterName: String
    public var region: String
    public var labels: [String: String]
    public var storageClasses: [StorageClassInfo]
    public var tierMappings: [String: String]
    public var state: SatelliteState
    public var satelliteVersion: String
    public var desiredStateVersion: Int64
    public var replacedBy: UUID?
    public var lastHeartbeat: Date?
    public var approvedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, hostname, region, labels, state
        case k8sClusterName = "k8s_cluster_name"
        case storageClasses = "storage_classes"
        case tierMappings = "tier_mappings"
        case satelliteVersion = "satellite_version"
        case desiredStateVersion = "desired_state_version"
        case replacedBy = "replaced_by"
        case lastHeartbeat = "last_heartbeat"
        case approvedAt = "approved_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let columns = """
        id, name, hostname, k8s_cluster_name, region, labels, storage_classes, tier_mappings, state, \
        satellite_version, desired_state_version, replaced_by, last_heartbeat, approved_at, created_at, updated_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String?.self, "name")
        hostname = try row.decode(String.self, "hostname")
        k8sClusterName = try row.decode(String.self, "k8s_cluster_name")
        region = try row.decode(String.self, "region")
        labels = try row.json([String: String].self, "labels")
        storageClasses = try row.json([StorageClassInfo].self, "storage_classes")
        tierMappings = try row.json([String: String].self, "tier_mappings")
        guard let state = SatelliteState(rawValue: try row.decode(String.self, "state")) else {
            throw StoreError.corruptRow("satellites.state")
        }
        self.state = state
        satelliteVersion = try row.decode(String.self, "satellite_version")
        desiredStateVersion = try row.decode(Int64.self, "desired_state_version")
        replacedBy = try row.decode(UUID?.self, "replaced_by")
        lastHeartbeat = try row.decode(Date?.self, "last_heartbeat")
        approvedAt = try row.decode(Date?.self, "approved_at")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }
}
