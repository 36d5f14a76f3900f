import Central
import Foundation
import Postgres

/// Puts N approved satellites, each with one 3-instance cluster, into central's database
/// through central's own store (registration and approval are not what this bench measures).
enum FleetSeeder {
    static let clusterName = "pg"
    /// Store calls in flight while seeding.
    static let concurrency = 8

    static func seed(count: Int, store: MetadataStore, offset: Int) async throws -> [SatelliteIdentity] {
        let spec = ClusterSpec(
            replicas: 3, postgres: PostgresImageSpec(version: "17"), storage: VolumeSpec(size: "10Gi"))
        return try await withThrowingTaskGroup(of: [SatelliteIdentity].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var made: [SatelliteIdentity] = []
                    for index in stride(from: worker, to: count, by: concurrency) {
                        let name = "bench-\(offset + index)"
                        let token = SystemSecureRandom().bytes(32).hexString
                        let (satellite, _) = try await store.registerSatellite(
                            hostname: "bench-node", k8sClusterName: name, region: "bench", labels: ["fleet": "bench"],
                            tokenHash: Digest.sha256(token), satelliteVersion: "0.1.0-bench")
                        guard
                            case .approved = try await store.approveSatellite(satellite.id, name: name, replace: false)
                        else { throw BenchError("could not approve \(name)") }
                        _ = try await store.createCluster(
                            NewCluster(
                                name: clusterName, namespace: "default", satelliteID: satellite.id, profileID: nil,
                                deploymentRuleID: nil, spec: spec, appliedProfileVersion: 0))
                        made.append(SatelliteIdentity(id: satellite.id, token: token, name: name))
                    }
                    return made
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
