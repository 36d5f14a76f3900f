import Foundation
import HTTP1

struct ClusterCreateBody: Decodable {
    let name: String
    let namespace: String?
    let satelliteID: UUID
    let profileID: UUID?
    let spec: ClusterSpec?
    enum CodingKeys: String, CodingKey {
        case name, namespace, spec
        case satelliteID = "satellite_id"
        case profileID = "profile_id"
    }
}

struct ClusterUpdateBody: Decodable {
    let spec: ClusterSpec
}

struct ConfirmBody: Decodable {
    let confirmed: Bool?
}

struct ProfileDiffResult: Encodable {
    let clusterID: UUID
    let profileID: UUID
    let appliedProfileVersion: Int
    let latestProfileVersion: Int
    let impact: ChangeImpact
    enum CodingKeys: String, CodingKey {
        case impact
        case clusterID = "cluster_id"
        case profileID = "profile_id"
        case appliedProfileVersion = "applied_profile_version"
        case latestProfileVersion = "latest_profile_version"
    }
}

struct ApplyResult: Encodable {
    let cluster: Cluster
    let impact: ChangeImpact
}

extension RouteTable {
    mutating func addClusterRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let fleet = FleetService(environment: environment)
        let tag = "Clusters"
        let base = "/api/v1/clusters"

        get(
            base, "List clusters", tag: tag,
            query: [.init("satellite_id", "Only clusters of this satellite", Schema.uuid)],
            response: Schema.array(Schema.ref("Cluster"))
        ) { request in
            var satelliteID: UUID?
            if let text = request.query("satellite_id") {
                guard let id = UUID(uuidString: text) else { throw APIError.badRequest("satellite_id must be a UUID") }
                satelliteID = id
            }
            return RESTResponse.json(try await store.clusters(satelliteID: satelliteID))
        }
        write(
            "POST", base, "Create a cluster on one satellite from a spec and/or a profile", tag: tag,
            body: Schema.ref("ClusterCreateRequest"), status: 201, response: Schema.ref("Cluster"), errors: [409]
        ) { request in
            let body = try request.decode(ClusterCreateBody.self)
            let cluster = try await fleet.createCluster(
                name: body.name, namespace: body.namespace ?? "default", satelliteID: body.satelliteID,
                profileID: body.profileID, spec: body.spec)
            return RESTResponse.json(cluster, status: 201)
        }
        get("\(base)/{id}", "Get a cluster", tag: tag, response: Schema.ref("Cluster")) { request in
            let id = try request.uuid("id", resource: "cluster")
            guard let cluster = try await store.cluster(id) else { throw APIError.notFound("cluster") }
            return RESTResponse.json(cluster)
        }
        write(
            "PUT", "\(base)/{id}", "Replace a cluster's spec (storage cannot change)", tag: tag,
            body: Schema.ref("ClusterUpdateRequest"), response: Schema.ref("Cluster"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "cluster")
            let body = try request.decode(ClusterUpdateBody.self)
            return RESTResponse.json(try await fleet.updateCluster(id, spec: body.spec))
        }
        write(
            "DELETE", "\(base)/{id}", "Delete a cluster; it stays (state deleting) until the satellite confirms",
            tag: tag,
            body: nil, status: 202, response: Schema.ref("Cluster"),
            query: [.init("retain_volumes", "Keep the data volumes", Schema.boolean)]
        ) { request in
            let id = try request.uuid("id", resource: "cluster")
            let retain = try request.queryBool("retain_volumes")
            return RESTResponse.json(try await fleet.deleteCluster(id, retainVolumes: retain), status: 202)
        }
        write(
            "POST", "\(base)/{id}/pause", "Pause: withdraw the read-write Service, instances keep running", tag: tag,
            body: nil, response: Schema.ref("Cluster"), errors: [409]
        ) { request in
            RESTResponse.json(try await fleet.setPaused(try request.uuid("id", resource: "cluster"), true))
        }
        write(
            "POST", "\(base)/{id}/resume", "Resume a paused cluster", tag: tag, body: nil,
            response: Schema.ref("Cluster"),
            errors: [409]
        ) { request in
            RESTResponse.json(try await fleet.setPaused(try request.uuid("id", resource: "cluster"), false))
        }
        get(
            "\(base)/{id}/profile-diff", "What applying the profile's latest version would change", tag: tag,
            response: Schema.ref("ProfileDiff"), errors: [409]
        ) { request in
            let (cluster, profile, impact) = try await fleet.profileDiff(try request.uuid("id", resource: "cluster"))
            return RESTResponse.json(
                ProfileDiffResult(
                    clusterID: cluster.id, profileID: profile.id, appliedProfileVersion: cluster.appliedProfileVersion,
                    latestProfileVersion: profile.latestVersion, impact: impact))
        }
        write(
            "POST", "\(base)/{id}/apply", "Apply the profile's latest version (needs {\"confirmed\": true})", tag: tag,
            body: Schema.ref("ConfirmRequest"), response: Schema.ref("ApplyResult"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "cluster")
            let body = try request.decode(ConfirmBody.self)
            let (cluster, impact) = try await fleet.applyProfile(id, confirmed: body.confirmed ?? false)
            return RESTResponse.json(ApplyResult(cluster: cluster, impact: impact))
        }
        addDatabaseRoutes(environment)
        addSwitchoverRoutes(environment)
    }
}
