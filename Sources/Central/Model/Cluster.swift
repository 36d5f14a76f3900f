public import Foundation
import Postgres

/// Aggregate cluster state (see common.proto ClusterState).
public enum ClusterState: String, Codable, Sendable, CaseIterable {
    case creating, running, degraded, failed, deleting, paused, updating
}

/// Why a cluster is paused: by an operator, or because its satellite no longer matches the
/// deployment rule that created it (only the latter is undone automatically when it matches again).
public enum PauseReason: String, Codable, Sendable {
    case manual
    case selectorMismatch = "selector_mismatch"
}

/// A cluster as the API shows it.
public struct Cluster: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var namespace: String
    public var satelliteID: UUID
    public var profileID: UUID?
    public var deploymentRuleID: UUID?
    public var spec: ClusterSpec
    public var configVersion: Int64
    public var appliedConfigVersion: Int64
    public var appliedProfileVersion: Int
    public var state: ClusterState
    public var paused: Bool
    public var pausedReason: PauseReason?
    public var lastApplyError: String?
    public var deleteRequested: Bool
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, namespace, spec, state, paused
        case satelliteID = "satellite_id"
        case profileID = "profile_id"
        case deploymentRuleID = "deployment_rule_id"
        case configVersion = "config_version"
        case appliedConfigVersion = "applied_config_version"
        case appliedProfileVersion = "applied_profile_version"
        case pausedReason = "paused_reason"
        case lastApplyError = "last_apply_error"
        case deleteRequested = "delete_requested"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let columns = """
        id, name, namespace, satellite_id, profile_id, deployment_rule_id, spec, config_version, \
        applied_config_version, applied_profile_version, state, paused, paused_reason, last_apply_error, \
        delete_requested, created_at, updated_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        namespace = try row.decode(String.self, "namespace")
        satelliteID = try row.decode(UUID.self, "satellite_id")
        profileID = try row.decode(UUID?.self, "profile_id")
        deploymentRuleID = try row.decode(UUID?.self, "deployment_rule_id")
        spec = try row.json(ClusterSpec.self, "spec")
        configVersion = try row.decode(Int64.self, "config_version")
        appliedConfigVersion = try row.decode(Int64.self, "applied_config_version")
        appliedProfileVersion = try row.decode(Int.self, "applied_profile_version")
        guard let state = ClusterState(rawValue: try row.decode(String.self, "state")) else {
            throw StoreError.corruptRow("clusters.state")
        }
        self.state = state
        paused = try row.decode(Bool.self, "paused")
        pausedReason = try row.decode(String?.self, "paused_reason").flatMap(PauseReason.init(rawValue:))
        lastApplyError = try row.decode(String?.self, "last_apply_error")
        deleteRequested = try row.decode(Bool.self, "delete_requested")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }
}
