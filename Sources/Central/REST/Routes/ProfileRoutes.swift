import Foundation
import HTTP1

struct ProfileBody: Decodable {
    let name: String
    let description: String?
    let spec: ClusterSpec
}

struct NameBody: Decodable {
    let name: String
}

struct RevertBody: Decodable {
    let targetVersion: Int
    enum CodingKeys: String, CodingKey { case targetVersion = "target_version" }
}

struct ProfileApplyBody: Decodable {
    let confirmed: Bool?
    let clusterIDs: [UUID]?
    enum CodingKeys: String, CodingKey {
        case confirmed
        case clusterIDs = "cluster_ids"
    }
}

struct ProfileWriteResult: Encodable {
    let profile: Profile
    let changeImpact: ProfileService.ImpactReport?
    enum CodingKeys: String, CodingKey {
        case profile
        case changeImpact = "change_impact"
    }
}

struct ProfileApplyResult: Encodable {
    let applied: [Cluster]
    let skipped: [String: String]
}

struct CascadeEntry: Encodable {
    let id: UUID
    let name: String
    let namespace: String
    let satelliteID: UUID
    enum CodingKeys: String, CodingKey {
        case id, name, namespace
        case satelliteID = "satellite_id"
    }
}

extension RouteTable {
    mutating func addProfileRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let profiles = ProfileService(environment: environment)
        let tag = "Profiles"
        let base = "/api/v1/profiles"

        get(base, "List profiles", tag: tag, response: Schema.array(Schema.ref("Profile"))) { _ in
            RESTResponse.json(try await store.profiles())
        }
        write(
            "POST", base, "Create a profile (recorded as version 1)", tag: tag, body: Schema.ref("ProfileRequest"),
            status: 201, response: Schema.ref("Profile"), errors: [409]
        ) { request in
            let body = try request.decode(ProfileBody.self)
            let profile = try await profiles.create(
                name: body.name, description: body.description ?? "", spec: body.spec)
            return RESTResponse.json(profile, status: 201)
        }
        get("\(base)/{id}", "Get a profile", tag: tag, response: Schema.ref("Profile")) { request in
            guard let profile = try await store.profile(try request.uuid("id", resource: "profile")) else {
                throw APIError.notFound("profile")
            }
            return RESTResponse.json(profile)
        }
        write(
            "PUT", "\(base)/{id}",
            "Save a new version; clusters are not changed, change_impact says what applying would do", tag: tag,
            body: Schema.ref("ProfileRequest"), response: Schema.ref("ProfileWriteResult"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "profile")
            let body = try request.decode(ProfileBody.self)
            let (profile, report) = try await profiles.update(
                id, name: body.name, description: body.description ?? "", spec: body.spec)
            return RESTResponse.json(ProfileWriteResult(profile: profile, changeImpact: report))
        }
        write(
            "DELETE", "\(base)/{id}", "Delete a profile; cascade=true also deletes its clusters and rules", tag: tag,
            body: nil, status: 204, response: nil,
            query: [.init("cascade", "Delete clusters and rules too", Schema.boolean)],
            errors: [409]
        ) { request in
            try await profiles.delete(
                try request.uuid("id", resource: "profile"), cascade: try request.queryBool("cascade"))
            return RESTResponse.noContent()
        }
        get(
            "\(base)/{id}/cascade-preview", "Clusters a cascading delete would remove", tag: tag,
            response: Schema.array(Schema.ref("CascadeEntry"))
        ) { request in
            let id = try request.uuid("id", resource: "profile")
            guard try await store.profile(id) != nil else { throw APIError.notFound("profile") }
            let clusters = try await store.clusters(profileID: id)
            return RESTResponse.json(
                clusters.map {
                    CascadeEntry(id: $0.id, name: $0.name, namespace: $0.namespace, satelliteID: $0.satelliteID)
                })
        }
        write(
            "POST", "\(base)/{id}/clone", "Copy a profile under a new name", tag: tag, body: Schema.ref("NameRequest"),
            status: 201, response: Schema.ref("Profile"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "profile")
            let body = try request.decode(NameBody.self)
            return RESTResponse.json(try await profiles.clone(id, name: body.name), status: 201)
        }
        get(
            "\(base)/{id}/versions", "Version history, newest first", tag: tag,
            response: Schema.array(Schema.ref("ProfileVersion"))
        ) {
            request in
            let id = try request.uuid("id", resource: "profile")
            guard try await store.profile(id) != nil else { throw APIError.notFound("profile") }
            return RESTResponse.json(try await store.profileVersions(id))
        }
        get("\(base)/{id}/versions/{version}", "One version", tag: tag, response: Schema.ref("ProfileVersion")) {
            request in
            let id = try request.uuid("id", resource: "profile")
            guard let number = Int(request.path("version")), number >= 1,
                let version = try await store.profileVersion(id, version: number)
            else { throw APIError.notFound("profile version") }
            return RESTResponse.json(version)
        }
        write(
            "POST", "\(base)/{id}/revert", "Write an earlier version back as a new version", tag: tag,
            body: Schema.ref("RevertRequest"), response: Schema.ref("ProfileWriteResult"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "profile")
            let body = try request.decode(RevertBody.self)
            let (profile, report) = try await profiles.revert(id, to: body.targetVersion)
            return RESTResponse.json(ProfileWriteResult(profile: profile, changeImpact: report))
        }
        write(
            "POST", "\(base)/{id}/apply",
            "Apply the latest version to the profile's clusters (all or cluster_ids; needs confirmed)", tag: tag,
            body: Schema.ref("ProfileApplyRequest"), response: Schema.ref("ProfileApplyResult")
        ) { request in
            let id = try request.uuid("id", resource: "profile")
            let body = try request.decode(ProfileApplyBody.self)
            let (applied, skipped) = try await profiles.apply(
                id, confirmed: body.confirmed ?? false, clusterIDs: body.clusterIDs)
            return RESTResponse.json(ProfileApplyResult(applied: applied, skipped: skipped))
        }
    }
}
