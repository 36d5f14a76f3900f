public import Foundation
import Logging

extension FleetService {
    /// Creates or replaces a deployment rule, then pauses clusters on satellites that stopped
    /// matching and creates clusters on satellites that newly match.
    public func saveRule(
        id: UUID?, name: String, profileID: UUID, selector: [String: String], namespace: String, clusterName: String
    ) async throws -> DeploymentRule {
        var check = Validator()
        check.check(Syntax.isResourceName(name), "name", "letters, digits, space, . _ - (at most 63)")
        check.check(
            Syntax.isClusterName(clusterName), "cluster_name", "must be a lowercase DNS label of at most 40 characters")
        check.check(Syntax.isDNSLabel(namespace), "namespace", "must be a lowercase DNS label")
        check.add(Self.selectorIssues(selector))
        try check.finish()
        guard let profile = try await store.profile(profileID) else {
            throw APIError.invalid("profile_id", "unknown profile")
        }
        do {
            _ = try SpecResolution.image(for: profile.spec.postgres, catalog: try await store.versions())
        } catch let failure as SpecResolution.Failure {
            throw APIError.invalid("profile_id", failure.description)
        }
        if let id, try await store.deploymentRule(id) == nil { throw APIError.notFound("deployment rule") }
        guard
            let rule = try await store.saveDeploymentRule(
                id: id, name: name, profileID: profileID, selector: selector, namespace: namespace,
                clusterName: clusterName)
        else { throw APIError.conflict("a deployment rule named \(name) exists") }
        environment.live.publish("deployment_rule.updated", rule)
        let satellites = try await store.satellites()
        if id != nil {
            for cluster in try await store.clusters(ruleID: rule.id) {
                guard let satellite = satellites.first(where: { $0.id == cluster.satelliteID }) else { continue }
                await reconcilePause(
                    cluster, matches: DeploymentRule.matches(selector: selector, labels: satellite.labels))
            }
        }
        await fanOut(rule, profile: profile, satellites: satellites)
        return rule
    }

    /// Label keys and values in Kubernetes syntax; an empty selector is refused (it would match
    /// nothing, silently).
    public static func selectorIssues(_ selector: [String: String], field: String = "label_selector") -> [FieldIssue] {
        var check = Validator()
        check.check(!selector.isEmpty, field, "must have at least one key=value pair")
        check.check(selector.count <= 32, field, "at most 32 entries")
        for (key, value) in selector.sorted(by: { $0.key < $1.key }) {
            check.check(Syntax.isLabelKey(key), "\(field).\(key.prefix(63))", "invalid label key")
            check.check(Syntax.isLabelValue(value), "\(field).\(key.prefix(63))", "invalid label value")
        }
        return check.issues
    }

    public func deleteRule(_ id: UUID) async throws {
        switch try await store.deleteDeploymentRule(id) {
        case nil: throw APIError.notFound("deployment rule")
        case false?: throw APIError.conflict("the rule still has clusters; delete them first")
        case true?: environment.live.publish("deployment_rule.deleted", DeletedEntity(id: id.uuidString.lowercased()))
        }
    }

    /// Sets a satellite's labels, pauses its rule clusters whose selector no longer matches,
    /// resumes those paused for that reason that match again, and fans out every rule to it.
    public func setLabels(_ satelliteID: UUID, _ labels: [String: String]) async throws -> Satellite {
        var check = Validator()
        check.check(labels.count <= 64, "labels", "at most 64 labels")
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            check.check(Syntax.isLabelKey(key), "labels.\(key.prefix(63))", "invalid label key")
            check.check(Syntax.isLabelValue(value), "labels.\(key.prefix(63))", "invalid label value")
        }
        try check.finish()
        guard let satellite = try await store.setLabels(satelliteID, labels) else {
            throw APIError.notFound("satellite")
        }
        environment.live.publish("satellite.updated", satellite)
        try await reconcile(satellite)
        return satellite
    }

    /// Re-evaluates every rule against one satellite (after labels change or approval).
    public func reconcile(_ satellite: Satellite) async throws {
        let rules = try await store.deploymentRules()
        for cluster in try await store.clusters(satelliteID: satellite.id) {
            guard let ruleID = cluster.deploymentRuleID, let rule = rules.first(where: { $0.id == ruleID }) else {
                continue
            }
            await reconcilePause(
                cluster, matches: DeploymentRule.matches(selector: rule.labelSelector, labels: satellite.labels))
        }
        for rule in rules {
            guard let profile = try await store.profile(rule.profileID) else { continue }
            await fanOut(rule, profile: profile, satellites: [satellite])
        }
    }

    private func reconcilePause(_ cluster: Cluster, matches: Bool) async {
        do {
            if !matches && !cluster.paused {
                if let change = try await store.setPaused(cluster.id, paused: true, reason: .selectorMismatch) {
                    await publisher.push(change)
                    await events.central(
                        "cluster.paused", .warning, satelliteID: cluster.satelliteID, clusterName: cluster.name,
                        namespace: cluster.namespace,
                        message: "cluster paused: its satellite no longer matches the deployment rule")
                }
            } else if matches && cluster.paused && cluster.pausedReason == .selectorMismatch {
                if let change = try await store.setPaused(
                    cluster.id, paused: false, reason: nil, onlyReason: .selectorMismatch)
                {
                    await publisher.push(change)
                }
            }
        } catch {
            environment.logger.error(
                "pause reconciliation failed", metadata: ["cluster.id": "\(cluster.id)", "error": "\(error)"])
        }
    }

    /// Creates the rule's cluster on every matching active satellite that lacks it. A satellite
    /// without a mapping for a tier the profile uses is skipped with a warning event.
    func fanOut(_ rule: DeploymentRule, profile: Profile, satellites: [Satellite]) async {
        do {
            let existing = Set(try await store.clusters(ruleID: rule.id).map(\.satelliteID))
            for satellite in satellites
            where satellite.state.isActive && !existing.contains(satellite.id)
                && DeploymentRule.matches(selector: rule.labelSelector, labels: satellite.labels)
            {
                let spec: ClusterSpec
                do {
                    spec = try SpecResolution.resolveTiers(profile.spec, tierMappings: satellite.tierMappings)
                } catch {
                    await events.central(
                        "deployment_rule.skipped", .warning, satelliteID: satellite.id, clusterName: rule.clusterName,
                        namespace: rule.namespace, message: "rule \(rule.name) skipped this satellite: \(error)")
                    continue
                }
                let new = NewCluster(
                    name: rule.clusterName, namespace: rule.namespace, satelliteID: satellite.id, profileID: profile.id,
                    deploymentRuleID: rule.id, spec: spec, appliedProfileVersion: profile.latestVersion)
                guard let change = try await store.createCluster(new) else {
                    await events.central(
                        "deployment_rule.skipped", .warning, satelliteID: satellite.id, clusterName: rule.clusterName,
                        namespace: rule.namespace,
                        message: "rule \(rule.name) skipped this satellite: a cluster with that name exists")
                    continue
                }
                await publisher.push(change)
                await events.central(
                    "cluster.created", .info, satelliteID: satellite.id, clusterName: rule.clusterName,
                    namespace: rule.namespace, message: "cluster created by deployment rule \(rule.name)")
            }
        } catch {
            environment.logger.error(
                "deployment rule fan-out failed", metadata: ["rule.id": "\(rule.id)", "error": "\(error)"])
        }
    }
}
