public import Foundation
import Postgres

/// How a parameter change reaches running instances.
public enum RestartMode: String, Codable, Sendable, CaseIterable, Comparable {
    case reload
    case sequentialRestart = "sequential_restart"
    case fullRestart = "full_restart"

    private var rank: Int {
        switch self {
        case .reload: return 0
        case .sequentialRestart: return 1
        case .fullRestart: return 2
        }
    }

    public static func < (lhs: RestartMode, rhs: RestartMode) -> Bool { lhs.rank < rhs.rank }
}

/// One entry of the PostgreSQL parameter catalog.
public struct ParameterInfo: Codable, Sendable, Equatable {
    public var name: String
    public var restartMode: RestartMode
    public var pgContext: String
    public var category: String
    public var description: String

    enum CodingKeys: String, CodingKey {
        case name, category, description
        case restartMode = "restart_mode"
        case pgContext = "pg_context"
    }

    init(row: PostgresRow) throws {
        name = try row.decode(String.self, "name")
        guard let mode = RestartMode(rawValue: try row.decode(String.self, "restart_mode")) else {
            throw StoreError.corruptRow("pg_parameters.restart_mode")
        }
        restartMode = mode
        pgContext = try row.decode(String.self, "pg_context")
        category = try row.decode(String.self, "category")
        description = try row.decode(String.self, "description")
    }

    public init(name: String, restartMode: RestartMode, pgContext: String, category: String, description: String) {
        self.name = name
        self.restartMode = restartMode
        self.pgContext = pgContext
        self.category = category
        self.description = description
    }
}

public struct PostgresVariant: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        description = try row.decode(String.self, "description")
    }
}

public struct PostgresVersion: Codable, Sendable, Equatable {
    public var id: UUID
    public var version: String
    public var variant: String
    public var imageTag: String
    public var isDefault: Bool

    enum CodingKeys: String, CodingKey {
        case id, version, variant
        case imageTag = "image_tag"
        case isDefault = "is_default"
    }

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        version = try row.decode(String.self, "version")
        variant = try row.decode(String.self, "variant")
        imageTag = try row.decode(String.self, "image_tag")
        isDefault = try row.decode(Bool.self, "is_default")
    }
}

/// A named storage tier; satellites map tiers to their StorageClasses.
public struct StorageTier: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        description = try row.decode(String.self, "description")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }
}

/// An application database of a cluster. The password is stored sealed and never shown.
public struct ClusterDatabase: Codable, Sendable, Equatable {
    public var id: UUID
    public var clusterID: UUID
    public var dbName: String
    public var dbUser: String
    public var allowedCIDRs: [String]
    public var status: String
    public var errorMessage: String
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status
        case clusterID = "cluster_id"
        case dbName = "db_name"
        case dbUser = "db_user"
        case allowedCIDRs = "allowed_cidrs"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let columns =
        "id, cluster_id, db_name, db_user, allowed_cidrs, status, error_message, created_at, updated_at"

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        clusterID = try row.decode(UUID.self, "cluster_id")
        dbName = try row.decode(String.self, "db_name")
        dbUser = try row.decode(String.self, "db_user")
        allowedCIDRs = try row.decode(PostgresTextArray.self, "allowed_cidrs").elements.compactMap { $0 }
        status = try row.decode(String.self, "status")
        errorMessage = try row.decode(String.self, "error_message")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }
}

/// An API bearer token; only its hash is stored.
public struct APIToken: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        createdAt = try row.decode(Date.self, "created_at")
        lastUsedAt = try row.decode(Date?.self, "last_used_at")
        revokedAt = try row.decode(Date?.self, "revoked_at")
    }
}
