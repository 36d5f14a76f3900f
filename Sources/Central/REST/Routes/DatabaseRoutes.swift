import Foundation
import HTTP1

struct DatabaseCreateBody: Decodable {
    let dbName: String
    let dbUser: String
    let password: String
    let allowedCIDRs: [String]?
    enum CodingKeys: String, CodingKey {
        case password
        case dbName = "db_name"
        case dbUser = "db_user"
        case allowedCIDRs = "allowed_cidrs"
    }
}

struct DatabaseUpdateBody: Decodable {
    let dbUser: String?
    let password: String?
    let allowedCIDRs: [String]?
    enum CodingKeys: String, CodingKey {
        case password
        case dbUser = "db_user"
        case allowedCIDRs = "allowed_cidrs"
    }
}

extension RouteTable {
    mutating func addDatabaseRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let fleet = FleetService(environment: environment)
        let tag = "Cluster databases"
        let base = "/api/v1/clusters/{id}/databases"

        get(
            base, "List a cluster's databases (passwords are never returned)", tag: tag,
            response: Schema.array(Schema.ref("ClusterDatabase"))
        ) {
            request in
            let id = try request.uuid("id", resource: "cluster")
            guard try await store.cluster(id) != nil else { throw APIError.notFound("cluster") }
            return RESTResponse.json(try await store.databases(clusterID: id))
        }
        write(
            "POST", base, "Add a database and owner role (password stored encrypted)", tag: tag,
            body: Schema.ref("DatabaseCreateRequest"), status: 201, response: Schema.ref("ClusterDatabase"),
            errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "cluster")
            let body = try request.decode(DatabaseCreateBody.self)
            let database = try await fleet.createDatabase(
                clusterID: id, dbName: body.dbName, dbUser: body.dbUser, password: body.password,
                allowedCIDRs: body.allowedCIDRs ?? [])
            return RESTResponse.json(database, status: 201)
        }
        write(
            "PUT", "\(base)/{dbid}", "Change owner, password or allowed networks", tag: tag,
            body: Schema.ref("DatabaseUpdateRequest"), response: Schema.ref("ClusterDatabase")
        ) { request in
            let id = try request.uuid("id", resource: "cluster")
            let databaseID = try request.uuid("dbid", resource: "database")
            let body = try request.decode(DatabaseUpdateBody.self)
            return RESTResponse.json(
                try await fleet.updateDatabase(
                    clusterID: id, databaseID: databaseID, dbUser: body.dbUser, password: body.password,
                    allowedCIDRs: body.allowedCIDRs))
        }
        write("DELETE", "\(base)/{dbid}", "Remove a database record", tag: tag, body: nil, status: 204, response: nil) {
            request in
            try await fleet.deleteDatabase(
                clusterID: try request.uuid("id", resource: "cluster"),
                databaseID: try request.uuid("dbid", resource: "database"))
            return RESTResponse.noContent()
        }
    }
}
