public import Foundation
import Postgres

/// A reusable cluster template. `inUse` is computed: referenced by a rule or a cluster.
public struct Profile: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String
    public var spec: ClusterSpec
    public var latestVersion: Int
    public var inUse: Bool
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, spec
        case latestVersion = "latest_version"
        case inUse = "in_use"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let columns = """
        p.id, p.name, p.description, p.spec, p.latest_version, p.created_at, p.updated_at, \
        (EXISTS (SELECT 1 FROM clusters c WHERE c.profile_id = p.id) \
         OR EXISTS (SELECT 1 FROM deployment_rules r WHERE r.profile_id = p.id)) AS in_use
        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        description = try row.decode(String.self, "description")
        spec = try row.json(ClusterSpec.self, "spec")
        latestVersion = try row.decode(Int.self, "latest_version")
        inUse = try row.decode(Bool.self, "in_use")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }
}

/// One entry of a profile's append-only history.
public struct ProfileVersion: Codable, Sendable, Equatable {
    public var profileID: UUID
    public var version: Int
    public var spec: ClusterSpec
    public var changeSummary: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case version, spec
        case profileID = "profile_id"
        case changeSummary = "change_summary"
        case createdAt = "created_at"
    }

    init(row: PostgresRow) throws {
        profileID = try row.decode(UUID.self, "profile_id")
        version = try row.decode(Int.self, "version")
        spec = try row.json(ClusterSpec.self, "spec")
        changeSummary = try row.decode(String.self, "change_summary")
        createdAt = try row.decode(Date.self, "created_at")
    }
}

/// Creates one cluster from a profile on every satellite whose labels match the selector.
public struct DeploymentRule: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var profileID: UUID
    public var labelSelector: [String: String]
    public var namespace: String
    public var clusterName: String
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, namespace
        case profileID = "profile_id"
        case labelSelector = "label_selector"
        case clusterName = "cluster_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let columns = "id, name, profile_id, label_selector, namespace, cluster_name, created_at, updated_at"

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        profileID = try row.decode(UUID.self, "profile_id")
        labelSelector = try row.json([String: String].self, "label_selector")
        namespace = try row.decode(String.self, "namespace")
        clusterName = try row.decode(String.self, "cluster_name")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }

    /// Every selector entry is present in `labels` (extra labels allowed); an empty selector
    /// never matches.
    public static func matches(selector: [String: String], labels: [String: String]) -> Bool {
        !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
    }
}
