public import Foundation
import Postgres

extension MetadataStore {
    public func profiles() async throws -> [Profile] {
        try await pool.query("SELECT \(unsafeSQL: Profile.columns) FROM profiles p ORDER BY p.name").rows
            .map(Profile.init(row:))
    }

    public func profile(_ id: UUID) async throws -> Profile? {
        try await pool.query("SELECT \(unsafeSQL: Profile.columns) FROM profiles p WHERE p.id = \(id)").singleRow()
            .map(Profile.init(row:))
    }

    /// Creates a profile and its version 1 (the Go original recorded no version at creation).
    /// Nil if the name is taken.
    public func createProfile(name: String, description: String, spec: ClusterSpec, summary: String = "Created")
        async throws -> Profile?
    {
        let id = UUID()
        do {
            try await pool.transaction { connection in
                try connection.execute(
                    """
                    INSERT INTO profiles (id, name, description, spec, latest_version)
                    VALUES (\(id), \(name), \(description), \(PostgresJSON.encoding(spec))::jsonb, 1)
                    """)
                try connection.execute(
                    """
                    INSERT INTO profile_versions (profile_id, version, spec, change_summary)
                    VALUES (\(id), 1, \(PostgresJSON.encoding(spec))::jsonb, \(summary))
                    """)
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            return nil
        }
        return try await profile(id)
    }

    /// Saves a new spec (and name/description) and appends a version in the same transaction;
    /// the version number comes from the locked row, so concurrent updates cannot collide.
    public enum ProfileUpdate: Sendable { case updated(Profile), notFound, nameTaken }

    public func updateProfile(_ id: UUID, name: String, description: String, spec: ClusterSpec, summary: String)
        async throws -> ProfileUpdate
    {
        do {
            let found = try await pool.transaction { connection -> Bool in
                guard
                    let row = try connection.execute(
                        """
                        UPDATE profiles SET name = \(name), description = \(description),
                            spec = \(PostgresJSON.encoding(spec))::jsonb, latest_version = latest_version + 1,
                            updated_at = now()
                        WHERE id = \(id) RETURNING latest_version
                        """
                    ).singleRow()
                else { return false }
                let version = try row.decode(Int.self, "latest_version")
                try connection.execute(
                    """
                    INSERT INTO profile_versions (profile_id, version, spec, change_summary)
                    VALUES (\(id), \(Int64(version)), \(PostgresJSON.encoding(spec))::jsonb, \(summary))
                    """)
                return true
            }
            guard found, let profile = try await profile(id) else { return .notFound }
            return .updated(profile)
        } catch let error as PostgresError where error.isUniqueViolation {
            return .nameTaken
        }
    }

    public func profileVersions(_ id: UUID) async throws -> [ProfileVersion] {
        try await pool.query(
            """
            SELECT profile_id, version, spec, change_summary, created_at FROM profile_versions
            WHERE profile_id = \(id) ORDER BY version DESC
            """
        ).rows.map(ProfileVersion.init(row:))
    }

    public func profileVersion(_ id: UUID, version: Int) async throws -> ProfileVersion? {
        try await pool.query(
            """
            SELECT profile_id, version, spec, change_summary, created_at FROM profile_versions
            WHERE profile_id = \(id) AND version = \(Int64(version))
            """
        ).singleRow().map(ProfileVersion.init(row:))
    }

    /// Deletes an unused profile; false if it is in use (a foreign key refuses it).
    public func deleteProfile(_ id: UUID) async throws -> Bool? {
        do {
            let deleted = try await pool.query("DELETE FROM profiles WHERE id = \(id)").affectedRows
            return deleted == 1 ? true : nil
        } catch let error as PostgresError where error.isForeignKeyViolation {
            return false
        }
    }

    /// Deletes the profile's rules and the profile; clusters must be gone (or pending deletion
    /// with their profile reference cleared) first.
    public func deleteProfileCascade(_ id: UUID) async throws {
        try await pool.transaction { connection in
            try connection.execute(
                "UPDATE clusters SET profile_id = NULL, deployment_rule_id = NULL WHERE profile_id = \(id)")
            try connection.execute("DELETE FROM deployment_rules WHERE profile_id = \(id)")
            try connection.execute("DELETE FROM profiles WHERE id = \(id)")
        }
    }

    // MARK: Deployment rules

    public func deploymentRules() async throws -> [DeploymentRule] {
        try await pool.query("SELECT \(unsafeSQL: DeploymentRule.columns) FROM deployment_rules ORDER BY name").rows
            .map(DeploymentRule.init(row:))
    }

    public func deploymentRule(_ id: UUID) async throws -> DeploymentRule? {
        try await pool.query("SELECT \(unsafeSQL: DeploymentRule.columns) FROM deployment_rules WHERE id = \(id)")
            .singleRow().map(DeploymentRule.init(row:))
    }

    /// Inserts or replaces a rule (id given = update). Nil when the name is taken.
    public func saveDeploymentRule(
        id: UUID?, name: String, profileID: UUID, selector: [String: String], namespace: String, clusterName: String
    ) async throws -> DeploymentRule? {
        do {
            let row: PostgresRow?
            if let id {
                row = try await pool.query(
                    """
                    UPDATE deployment_rules SET name = \(name), profile_id = \(profileID),
                        label_selector = \(PostgresJSON.encoding(selector))::jsonb, namespace = \(namespace),
                        cluster_name = \(clusterName), updated_at = now()
                    WHERE id = \(id) RETURNING \(unsafeSQL: DeploymentRule.columns)
                    """
                ).singleRow()
            } else {
                row = try await pool.query(
                    """
                    INSERT INTO deployment_rules (id, name, profile_id, label_selector, namespace, cluster_name)
                    VALUES (\(UUID()), \(name), \(profileID), \(PostgresJSON.encoding(selector))::jsonb, \(namespace),
                            \(clusterName))
                    RETURNING \(unsafeSQL: DeploymentRule.columns)
                    """
                ).singleRow()
            }
            return try row.map(DeploymentRule.init(row:))
        } catch let error as PostgresError where error.isUniqueViolation {
            return nil
        }
    }

    /// Deletes a rule; false while clusters created by it exist.
    public func deleteDeploymentRule(_ id: UUID) async throws -> Bool? {
        do {
            let deleted = try await pool.query("DELETE FROM deployment_rules WHERE id = \(id)").affectedRows
            return deleted == 1 ? true : nil
        } catch let error as PostgresError where error.isForeignKeyViolation {
            return false
        }
    }
}
