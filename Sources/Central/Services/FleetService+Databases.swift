public import Foundation

extension FleetService {
    public func createDatabase(
        clusterID: UUID, dbName: String, dbUser: String, password: String, allowedCIDRs: [String]
    ) async throws -> ClusterDatabase {
        var check = Validator()
        check.check(
            Syntax.isDatabaseIdentifier(dbName), "db_name",
            "letters, digits and _ (at most 63), not starting with a digit")
        check.check(!["postgres", "template0", "template1"].contains(dbName), "db_name", "is reserved")
        check.check(
            Syntax.isDatabaseIdentifier(dbUser), "db_user",
            "letters, digits and _ (at most 63), not starting with a digit")
        check.check(dbUser != "postgres" && !dbUser.hasPrefix("pg_") && dbUser != "repl_user", "db_user", "is reserved")
        check.add(Self.passwordIssues(password))
        check.add(Self.cidrIssues(allowedCIDRs))
        try check.finish()
        let secrets = try requireSecrets()
        guard let cluster = try await store.cluster(clusterID), !cluster.deleteRequested else {
            throw APIError.notFound("cluster")
        }
        let plaintext = Array(password.utf8)
        guard
            let (database, change) = try await store.createDatabase(
                clusterID: cluster.id, dbName: dbName, dbUser: dbUser, allowedCIDRs: allowedCIDRs,
                seal: { id in try secrets.seal(plaintext, associatedData: Array(id.uuidString.lowercased().utf8)) })
        else { throw APIError.conflict("the cluster already has a database \(dbName)") }
        await publisher.push(change)
        return database
    }

    public func updateDatabase(
        clusterID: UUID, databaseID: UUID, dbUser: String?, password: String?, allowedCIDRs: [String]?
    ) async throws -> ClusterDatabase {
        var check = Validator()
        if let dbUser {
            check.check(Syntax.isDatabaseIdentifier(dbUser), "db_user", "letters, digits and _ (at most 63)")
            check.check(
                dbUser != "postgres" && !dbUser.hasPrefix("pg_") && dbUser != "repl_user", "db_user", "is reserved")
        }
        if let password { check.add(Self.passwordIssues(password)) }
        if let allowedCIDRs { check.add(Self.cidrIssues(allowedCIDRs)) }
        try check.finish()
        var sealed: [UInt8]?
        if let password {
            sealed = try requireSecrets().seal(
                Array(password.utf8), associatedData: Array(databaseID.uuidString.lowercased().utf8))
        }
        guard
            let (database, change) = try await store.updateDatabase(
                databaseID, clusterID: clusterID, dbUser: dbUser, sealedPassword: sealed, allowedCIDRs: allowedCIDRs)
        else { throw APIError.notFound("database") }
        await publisher.push(change)
        return database
    }

    public func deleteDatabase(clusterID: UUID, databaseID: UUID) async throws {
        guard let change = try await store.deleteDatabase(databaseID, clusterID: clusterID) else {
            throw APIError.notFound("database")
        }
        await publisher.push(change)
    }

    private func requireSecrets() throws -> SecretBox {
        guard let secrets = environment.secrets else {
            throw APIError.unavailable("no encryption key is configured, so database passwords cannot be stored")
        }
        return secrets
    }

    static func passwordIssues(_ password: String) -> [FieldIssue] {
        var check = Validator()
        check.check((8...1024).contains(password.utf8.count), "password", "must be 8 to 1024 bytes")
        check.check(
            !password.unicodeScalars.contains { $0.value < 0x20 }, "password", "must not contain control characters")
        return check.issues
    }

    static func cidrIssues(_ cidrs: [String]) -> [FieldIssue] {
        var check = Validator()
        check.check(cidrs.count <= 32, "allowed_cidrs", "at most 32 networks")
        check.check(cidrs.allSatisfy(Syntax.isCIDR), "allowed_cidrs", "entries must be CIDRs such as 10.0.0.0/8")
        return check.issues
    }
}
