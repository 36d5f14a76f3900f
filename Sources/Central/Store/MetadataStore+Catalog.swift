public import Foundation
import Postgres

extension MetadataStore {
    public func parameters() async throws -> [ParameterInfo] {
        try await pool.query(
            "SELECT name, restart_mode, pg_context, category, description FROM pg_parameters ORDER BY category, name"
        ).rows.map(ParameterInfo.init(row:))
    }

    public func parameterRestartModes() async throws -> [String: RestartMode] {
        var modes: [String: RestartMode] = [:]
        for parameter in try await parameters() { modes[parameter.name] = parameter.restartMode }
        return modes
    }

    public func upsertParameter(_ parameter: ParameterInfo) async throws -> ParameterInfo {
        let row = try await pool.query(
            """
            INSERT INTO pg_parameters (name, restart_mode, pg_context, category, description)
            VALUES (\(parameter.name), \(parameter.restartMode.rawValue), \(parameter.pgContext), \(parameter.category),
                    \(parameter.description))
            ON CONFLICT (name) DO UPDATE SET restart_mode = EXCLUDED.restart_mode, pg_context = EXCLUDED.pg_context,
                category = EXCLUDED.category, description = EXCLUDED.description, updated_at = now()
            RETURNING name, restart_mode, pg_context, category, description
            """
        ).singleRow()!
        return try ParameterInfo(row: row)
    }

    public func deleteParameter(_ name: String) async throws -> Bool {
        try await pool.query("DELETE FROM pg_parameters WHERE name = \(name)").affectedRows == 1
    }

    // MARK: PostgreSQL versions and variants

    public func variants() async throws -> [PostgresVariant] {
        try await pool.query("SELECT id, name, description FROM postgres_variants ORDER BY name").rows
            .map(PostgresVariant.init(row:))
    }

    /// Nil when the name is taken.
    public func createVariant(name: String, description: String) async throws -> PostgresVariant? {
        do {
            return try await pool.query(
                """
                INSERT INTO postgres_variants (id, name, description) VALUES (\(UUID()), \(name), \(description))
                RETURNING id, name, description
                """
            ).singleRow().map(PostgresVariant.init(row:))
        } catch let error as PostgresError where error.isUniqueViolation {
            return nil
        }
    }

    /// nil: unknown; false: versions still use it.
    public func deleteVariant(_ id: UUID) async throws -> Bool? {
        do {
            return try await pool.query("DELETE FROM postgres_variants WHERE id = \(id)").affectedRows == 1 ? true : nil
        } catch let error as PostgresError where error.isForeignKeyViolation {
            return false
        }
    }

    public func versions() async throws -> [PostgresVersion] {
        try await pool.query(
            "SELECT id, version, variant, image_tag, is_default FROM postgres_versions ORDER BY variant, version"
        ).rows.map(PostgresVersion.init(row:))
    }

    public enum VersionWrite: Sendable, Equatable { case saved(PostgresVersion), notFound, duplicate, unknownVariant }

    public func saveVersion(id: UUID?, version: String, variant: String, imageTag: String) async throws -> VersionWrite
    {
        do {
            let row: PostgresRow?
            if let id {
                row = try await pool.query(
                    """
                    UPDATE postgres_versions SET version = \(version), variant = \(variant), image_tag = \(imageTag),
                        updated_at = now()
                    WHERE id = \(id) RETURNING id, version, variant, image_tag, is_default
                    """
                ).singleRow()
            } else {
                row = try await pool.query(
                    """
                    INSERT INTO postgres_versions (id, version, variant, image_tag)
                    VALUES (\(UUID()), \(version), \(variant), \(imageTag))
                    RETURNING id, version, variant, image_tag, is_default
                    """
                ).singleRow()
            }
            guard let row else { return .notFound }
            return .saved(try PostgresVersion(row: row))
        } catch let error as PostgresError where error.isUniqueViolation {
            return .duplicate
        } catch let error as PostgresError where error.isForeignKeyViolation {
            return .unknownVariant
        }
    }

    public func deleteVersion(_ id: UUID) async throws -> Bool {
        try await pool.query("DELETE FROM postgres_versions WHERE id = \(id)").affectedRows == 1
    }

    /// Makes one version the default (exactly one at a time).
    public func setDefaultVersion(_ id: UUID) async throws -> PostgresVersion? {
        try await pool.transaction { connection in
            guard
                try connection.execute("SELECT 1 FROM postgres_versions WHERE id = \(id) FOR UPDATE").singleRow() != nil
            else { return nil }
            try connection.execute("UPDATE postgres_versions SET is_default = false WHERE is_default AND id <> \(id)")
            return try connection.execute(
                """
                UPDATE postgres_versions SET is_default = true, updated_at = now() WHERE id = \(id)
                RETURNING id, version, variant, image_tag, is_default
                """
            ).singleRow().map(PostgresVersion.init(row:))
        }
    }

    // MARK: Storage tiers

    public func storageTiers() async throws -> [StorageTier] {
        try await pool.query("SELECT id, name, description, created_at, updated_at FROM storage_tiers ORDER BY name")
            .rows.map(StorageTier.init(row:))
    }

    public enum TierWrite: Sendable, Equatable { case saved(StorageTier), notFound, duplicate }

    public func saveStorageTier(id: UUID?, name: String, description: String) async throws -> TierWrite {
        do {
            let row: PostgresRow?
            if let id {
                row = try await pool.query(
                    """
                    UPDATE storage_tiers SET name = \(name), description = \(description), updated_at = now()
                    WHERE id = \(id) RETURNING id, name, description, created_at, updated_at
                    """
                ).singleRow()
            } else {
                row = try await pool.query(
                    """
                    INSERT INTO storage_tiers (id, name, description) VALUES (\(UUID()), \(name), \(description))
                    RETURNING id, name, description, created_at, updated_at
                    """
                ).singleRow()
            }
            guard let row else { return .notFound }
            return .saved(try StorageTier(row: row))
        } catch let error as PostgresError where error.isUniqueViolation {
            return .duplicate
        }
    }

    public func deleteStorageTier(_ id: UUID) async throws -> Bool {
        try await pool.query("DELETE FROM storage_tiers WHERE id = \(id)").affectedRows == 1
    }
}
