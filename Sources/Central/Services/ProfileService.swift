public import Foundation

/// Profiles, their version history, and the confirmed rollout of profile changes to clusters.
public struct ProfileService: Sendable {
    let environment: CentralEnvironment
    let fleet: FleetService

    public init(environment: CentralEnvironment) {
        self.environment = environment
        fleet = FleetService(environment: environment)
    }

    var store: MetadataStore { environment.store }

    /// What a profile change does to the clusters using the profile.
    public struct ImpactReport: Codable, Sendable, Equatable {
        public var affectedClusters: [UUID]
        public var impact: ChangeImpact
        public var requiresConfirmation: Bool

        enum CodingKeys: String, CodingKey {
            case impact
            case affectedClusters = "affected_clusters"
            case requiresConfirmation = "requires_confirmation"
        }
    }

    public func create(name: String, description: String, spec: ClusterSpec) async throws -> Profile {
        try validate(name: name, description: description, spec: spec)
        try await checkImage(spec)
        guard let profile = try await store.createProfile(name: name, description: description, spec: spec) else {
            throw APIError.conflict("a profile named \(name) exists")
        }
        environment.live.publish("profile.updated", profile)
        return profile
    }

    /// Saves a new version. Clusters are not touched: the report says what applying would do,
    /// and `POST /profiles/{id}/apply` with `confirmed` rolls it out.
    public func update(_ id: UUID, name: String, description: String, spec: ClusterSpec) async throws
        -> (Profile, ImpactReport?)
    {
        try validate(name: name, description: description, spec: spec)
        try await checkImage(spec)
        guard let current = try await store.profile(id) else { throw APIError.notFound("profile") }
        let impact = ChangeClassifier.classify(
            from: current.spec, to: spec, catalog: try await store.parameterRestartModes())
        let clusters = try await store.clusters(profileID: id).filter { !$0.deleteRequested }
        if !clusters.isEmpty && !impact.immutableErrors.isEmpty {
            throw APIError(
                status: 422, code: "immutable_change",
                message: "clusters use this profile: " + impact.immutableErrors.joined(separator: "; "),
                details: try JSONValue.from(impact))
        }
        let profile: Profile
        switch try await store.updateProfile(
            id, name: name, description: description, spec: spec, summary: impact.summary)
        {
        case .notFound: throw APIError.notFound("profile")
        case .nameTaken: throw APIError.conflict("a profile named \(name) exists")
        case .updated(let updated): profile = updated
        }
        environment.live.publish("profile.updated", profile)
        guard !clusters.isEmpty, impact.applyStrategy != .noChange else { return (profile, nil) }
        return (profile, ImpactReport(affectedClusters: clusters.map(\.id), impact: impact, requiresConfirmation: true))
    }

    /// Writes an old version's spec back as a new version.
    public func revert(_ id: UUID, to version: Int) async throws -> (Profile, ImpactReport?) {
        guard version >= 1 else { throw APIError.invalid("target_version", "must be at least 1") }
        guard let current = try await store.profile(id) else { throw APIError.notFound("profile") }
        guard let old = try await store.profileVersion(id, version: version) else {
            throw APIError.notFound("profile version")
        }
        let (profile, report) = try await update(
            id, name: current.name, description: current.description, spec: old.spec)
        return (profile, report)
    }

    public func clone(_ id: UUID, name: String) async throws -> Profile {
        guard let source = try await store.profile(id) else { throw APIError.notFound("profile") }
        return try await create(name: name, description: source.description, spec: source.spec)
    }

    /// Deletes the profile; with `cascade`, its clusters are deleted (pushed to satellites) and
    /// its rules removed first.
    public func delete(_ id: UUID, cascade: Bool) async throws {
        guard try await store.profile(id) != nil else { throw APIError.notFound("profile") }
        if cascade {
            for cluster in try await store.clusters(profileID: id) where !cluster.deleteRequested {
                _ = try await fleet.deleteCluster(cluster.id, retainVolumes: false)
            }
            try await store.deleteProfileCascade(id)
        } else {
            switch try await store.deleteProfile(id) {
            case nil: throw APIError.notFound("profile")
            case false?:
                throw APIError.conflict("the profile is in use by clusters or deployment rules; use cascade=true")
            case true?: break
            }
        }
        environment.live.publish("profile.deleted", DeletedEntity(id: id.uuidString.lowercased()))
    }

    /// Applies the latest version to the profile's clusters (all, or the given ones) after
    /// confirmation. Clusters whose change would be rejected are skipped and reported.
    public func apply(_ id: UUID, confirmed: Bool, clusterIDs: [UUID]?) async throws -> (
        applied: [Cluster], skipped: [String: String]
    ) {
        guard try await store.profile(id) != nil else { throw APIError.notFound("profile") }
        var targets = try await store.clusters(profileID: id).filter { !$0.deleteRequested }
        if let clusterIDs { targets = targets.filter { clusterIDs.contains($0.id) } }
        guard confirmed else {
            throw APIError(
                status: 422, code: "confirmation_required",
                message:
                    "applying a profile may restart instances of \(targets.count) clusters; send {\"confirmed\": true}")
        }
        var applied: [Cluster] = []
        var skipped: [String: String] = [:]
        for cluster in targets {
            do {
                applied.append(try await fleet.applyProfile(cluster.id, confirmed: true).0)
            } catch let error as APIError {
                skipped[cluster.id.uuidString.lowercased()] = error.message
            }
        }
        return (applied, skipped)
    }

    private func validate(name: String, description: String, spec: ClusterSpec) throws(APIError) {
        var check = Validator()
        check.check(Syntax.isResourceName(name), "name", "letters, digits, space, . _ - (at most 63)")
        check.check(
            Syntax.isSingleLine(description, maximumLength: 1000), "description", "a single line of at most 1000 bytes")
        check.add(spec.validationIssues())
        try check.finish()
    }

    private func checkImage(_ spec: ClusterSpec) async throws {
        do {
            _ = try SpecResolution.image(for: spec.postgres, catalog: try await store.versions())
        } catch let failure as SpecResolution.Failure {
            throw APIError.invalid("spec.postgres", failure.description)
        }
    }
}
