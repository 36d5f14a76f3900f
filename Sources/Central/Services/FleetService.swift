public import Foundation
import Logging

/// Clusters, deployment rules and their fan-out to satellites. Every change is stored first,
/// then announced (dashboard) and pushed (satellite), so a failed push loses nothing.
public struct FleetService: Sendable {
    let environment: CentralEnvironment
    let publisher: DesiredStatePublisher
    let events: EventLog

    public init(environment: CentralEnvironment) {
        self.environment = environment
        publisher = DesiredStatePublisher(environment: environment)
        events = EventLog(environment: environment)
    }

    var store: MetadataStore { environment.store }

    /// Creates a cluster by hand on one satellite, from a spec, a profile, or both (the spec wins).
    public func createCluster(
        name: String, namespace: String, satelliteID: UUID, profileID: UUID?, spec: ClusterSpec?
    ) async throws -> Cluster {
        var check = Validator()
        check.check(Syntax.isClusterName(name), "name", "must be a lowercase DNS label of at most 40 characters")
        check.check(Syntax.isDNSLabel(namespace), "namespace", "must be a lowercase DNS label")
        check.check(spec != nil || profileID != nil, "spec", "give a spec, a profile_id, or both")
        if let spec { check.add(spec.validationIssues()) }
        try check.finish()
        guard let satellite = try await store.satellite(satelliteID) else { throw APIError.notFound("satellite") }
        guard satellite.state.isActive else {
            throw APIError.conflict("satellite is \(satellite.state.rawValue); approve it first")
        }
        var profile: Profile?
        if let profileID {
            guard let found = try await store.profile(profileID) else {
                throw APIError.invalid("profile_id", "unknown profile")
            }
            profile = found
        }
        guard let source = spec ?? profile?.spec else { throw APIError.invalid("spec", "missing") }
        let resolved = try await resolve(source, for: satellite)
        let new = NewCluster(
            name: name, namespace: namespace, satelliteID: satelliteID, profileID: profileID, deploymentRuleID: nil,
            spec: resolved, appliedProfileVersion: profile?.latestVersion ?? 0)
        guard let change = try await store.createCluster(new) else {
            throw APIError.conflict("satellite already has a cluster \(namespace)/\(name)")
        }
        await publisher.push(change)
        await events.central(
            "cluster.created", .info, satelliteID: satelliteID, clusterName: name, namespace: namespace,
            message: "cluster \(namespace)/\(name) created")
        return change.cluster
    }

    /// Replaces a cluster's spec; storage changes are refused (422) because they cannot apply.
    public func updateCluster(_ id: UUID, spec: ClusterSpec) async throws -> Cluster {
        try Validator.throwing(spec.validationIssues())
        guard let cluster = try await store.cluster(id) else { throw APIError.notFound("cluster") }
        guard !cluster.deleteRequested else { throw APIError.conflict("cluster is being deleted") }
        guard let satellite = try await store.satellite(cluster.satelliteID) else {
            throw APIError.notFound("satellite")
        }
        let resolved = try await resolve(spec, for: satellite)
        let impact = ChangeClassifier.classify(
            from: cluster.spec, to: resolved, catalog: try await store.parameterRestartModes())
        guard impact.immutableErrors.isEmpty else {
            throw APIError(
                status: 422, code: "immutable_change", message: impact.immutableErrors.joined(separator: "; "),
                details: try JSONValue.from(impact))
        }
        guard let change = try await store.updateCluster(id, spec: resolved) else { throw APIError.notFound("cluster") }
        await publisher.push(change)
        return change.cluster
    }

    public func deleteCluster(_ id: UUID, retainVolumes: Bool) async throws -> Cluster {
        guard let existing = try await store.cluster(id) else { throw APIError.notFound("cluster") }
        let retain = retainVolumes || existing.spec.deletionProtection
        guard let change = try await store.requestClusterDeletion(id, retainVolumes: retain) else {
            throw APIError.notFound("cluster")
        }
        await publisher.push(change)
        await events.central(
            "cluster.delete_requested", .info, satelliteID: existing.satelliteID, clusterName: existing.name,
            namespace: existing.namespace, message: "deletion of \(existing.namespace)/\(existing.name) requested",
            data: ["retain_volumes": "\(retain)"])
        return change.cluster
    }

    public func setPaused(_ id: UUID, _ paused: Bool) async throws -> Cluster {
        guard let existing = try await store.cluster(id) else { throw APIError.notFound("cluster") }
        guard !existing.deleteRequested else { throw APIError.conflict("cluster is being deleted") }
        guard existing.paused != paused else { return existing }
        guard let change = try await store.setPaused(id, paused: paused, reason: paused ? .manual : nil) else {
            throw APIError.conflict("cluster changed concurrently; retry")
        }
        await publisher.push(change)
        return change.cluster
    }

    /// The spec a profile gives on this cluster's satellite, and what applying it would do.
    public func profileDiff(_ id: UUID) async throws -> (cluster: Cluster, profile: Profile, impact: ChangeImpact) {
        guard let cluster = try await store.cluster(id) else { throw APIError.notFound("cluster") }
        guard let profileID = cluster.profileID, let profile = try await store.profile(profileID) else {
            throw APIError.conflict("cluster has no profile")
        }
        guard let satellite = try await store.satellite(cluster.satelliteID) else {
            throw APIError.notFound("satellite")
        }
        var target = try await resolve(profile.spec, for: satellite)
        // Replicas are the profile's, the rest too: the profile is the source of truth.
        target.deletionProtection = profile.spec.deletionProtection
        let impact = ChangeClassifier.classify(
            from: cluster.spec, to: target, catalog: try await store.parameterRestartModes())
        return (cluster, profile, impact)
    }

    /// Applies the profile's latest version to one cluster; needs `confirmed` because it may
    /// restart instances.
    public func applyProfile(_ id: UUID, confirmed: Bool) async throws -> (Cluster, ChangeImpact) {
        let (cluster, profile, impact) = try await profileDiff(id)
        guard impact.applyStrategy != .rejected else {
            throw APIError(
                status: 422, code: "immutable_change", message: impact.immutableErrors.joined(separator: "; "),
                details: try JSONValue.from(impact))
        }
        guard confirmed else {
            throw APIError(
                status: 422, code: "confirmation_required",
                message:
                    "applying may restart instances (\(impact.applyStrategy.rawValue)); send {\"confirmed\": true}",
                details: try JSONValue.from(impact))
        }
        guard let satellite = try await store.satellite(cluster.satelliteID) else {
            throw APIError.notFound("satellite")
        }
        let target = try await resolve(profile.spec, for: satellite)
        let state: ClusterState? = impact.applyStrategy == .noChange ? nil : .updating
        guard
            let change = try await store.updateCluster(
                id, spec: target, appliedProfileVersion: profile.latestVersion, state: cluster.paused ? nil : state)
        else { throw APIError.notFound("cluster") }
        await publisher.push(change)
        return (change.cluster, impact)
    }

    /// Tier mappings and image resolution for one satellite; failures are the caller's (422).
    func resolve(_ spec: ClusterSpec, for satellite: Satellite) async throws -> ClusterSpec {
        do {
            let resolved = try SpecResolution.resolveTiers(spec, tierMappings: satellite.tierMappings)
            _ = try SpecResolution.image(for: resolved.postgres, catalog: try await store.versions())
            return resolved
        } catch let failure as SpecResolution.Failure {
            throw APIError.invalid("spec", failure.description)
        }
    }
}

extension Validator {
    static func throwing(_ issues: [FieldIssue]) throws(APIError) {
        var validator = Validator()
        validator.add(issues)
        try validator.finish()
    }
}
