public import Foundation
import Logging
public import PGSwarmAPI

/// Builds the messages that carry desired state to a satellite and sends them when it is online.
/// Offline satellites catch up through the `DesiredState` snapshot on their next hello.
public struct DesiredStatePublisher: Sendable {
    let environment: CentralEnvironment

    public init(environment: CentralEnvironment) { self.environment = environment }

    /// Announces a committed change: live to dashboards, and to the satellite's stream.
    public func push(_ change: ClusterChange) async {
        environment.live.publish("cluster.updated", change.cluster)
        do {
            var message = Pgswarm_V1_CentralMessage()
            message.desiredStateVersion = change.desiredStateVersion
            if change.cluster.deleteRequested {
                message.deleteCluster = try await deletion(for: change.cluster)
            } else {
                message.clusterConfig = try await clusterConfig(for: change.cluster)
            }
            _ = await environment.commands.send(message, to: change.cluster.satelliteID)
        } catch {
            environment.logger.error(
                "could not build desired state for a satellite",
                metadata: ["cluster.id": "\(change.cluster.id)", "error": "\(error)"])
        }
    }

    func deletion(for cluster: Cluster) async throws -> Pgswarm_V1_DeleteCluster {
        var deletion = Pgswarm_V1_DeleteCluster()
        deletion.clusterName = cluster.name
        deletion.namespace = cluster.namespace
        deletion.retainVolumes = try await environment.store.retainsVolumes(cluster.id)
        return deletion
    }

    /// The full config of one cluster, secrets included (never logged).
    public func clusterConfig(for cluster: Cluster) async throws -> Pgswarm_V1_ClusterConfig {
        let store = environment.store
        let image = try SpecResolution.image(for: cluster.spec.postgres, catalog: try await store.versions())
        var profileName = ""
        if let profileID = cluster.profileID { profileName = try await store.profile(profileID)?.name ?? "" }
        var selector: [String: String] = [:]
        if let ruleID = cluster.deploymentRuleID {
            selector = try await store.deploymentRule(ruleID)?.labelSelector ?? [:]
        }
        var databases: [ClusterConfigBuilder.DatabaseSecret] = []
        for (database, sealed) in try await store.sealedDatabases(clusterID: cluster.id) {
            guard let secrets = environment.secrets else { throw CentralError.encryptionKeyMissing }
            let password = try secrets.open(sealed, associatedData: Array(database.id.uuidString.lowercased().utf8))
            databases.append(.init(database: database, password: String(decoding: password, as: UTF8.self)))
        }
        return ClusterConfigBuilder.build(
            cluster: cluster, image: image, databases: databases, profileName: profileName, labelSelector: selector)
    }

    /// Everything the satellite should run, for a hello whose version is stale.
    public func snapshot(for satelliteID: UUID) async throws -> Pgswarm_V1_CentralMessage {
        guard let satellite = try await environment.store.satellite(satelliteID) else {
            throw CentralError.unknownSatellite
        }
        var state = Pgswarm_V1_DesiredState()
        for cluster in try await environment.store.clusters(satelliteID: satelliteID) {
            if cluster.deleteRequested {
                state.pendingDeletions.append(try await deletion(for: cluster))
            } else {
                state.clusters.append(try await clusterConfig(for: cluster))
            }
        }
        var message = Pgswarm_V1_CentralMessage()
        message.desiredStateVersion = satellite.desiredStateVersion
        message.desiredState = state
        return message
    }
}

/// Internal failures of central's services (answered as 500/503 by REST, INTERNAL by gRPC).
public enum CentralError: Error, Sendable, Equatable, CustomStringConvertible {
    case encryptionKeyMissing
    case unknownSatellite

    public var description: String {
        switch self {
        case .encryptionKeyMissing: return "no encryption key is configured (--encryption-key-file)"
        case .unknownSatellite: return "unknown satellite"
        }
    }
}
