import Foundation
import HTTP1

struct RuleBody: Decodable {
    let name: String
    let profileID: UUID
    let labelSelector: [String: String]
    let namespace: String?
    let clusterName: String
    enum CodingKeys: String, CodingKey {
        case name, namespace
        case profileID = "profile_id"
        case labelSelector = "label_selector"
        case clusterName = "cluster_name"
    }
}

extension RouteTable {
    mutating func addDeploymentRuleRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let fleet = FleetService(environment: environment)
        let tag = "Deployment rules"
        let base = "/api/v1/deployment-rules"

        get(base, "List deployment rules", tag: tag, response: Schema.array(Schema.ref("DeploymentRule"))) { _ in
            RESTResponse.json(try await store.deploymentRules())
        }
        write(
            "POST", base, "Create a rule; a cluster is created on every matching satellite", tag: tag,
            body: Schema.ref("DeploymentRuleRequest"), status: 201, response: Schema.ref("DeploymentRule"),
            errors: [409]
        ) { request in
            let body = try request.decode(RuleBody.self)
            let rule = try await fleet.saveRule(
                id: nil, name: body.name, profileID: body.profileID, selector: body.labelSelector,
                namespace: body.namespace ?? "default", clusterName: body.clusterName)
            return RESTResponse.json(rule, status: 201)
        }
        get("\(base)/{id}", "Get a deployment rule", tag: tag, response: Schema.ref("DeploymentRule")) { request in
            guard let rule = try await store.deploymentRule(try request.uuid("id", resource: "deployment rule")) else {
                throw APIError.notFound("deployment rule")
            }
            return RESTResponse.json(rule)
        }
        write(
            "PUT", "\(base)/{id}",
            "Replace a rule; its clusters on satellites that stop matching are paused, new matches get clusters",
            tag: tag, body: Schema.ref("DeploymentRuleRequest"), response: Schema.ref("DeploymentRule"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "deployment rule")
            let body = try request.decode(RuleBody.self)
            return RESTResponse.json(
                try await fleet.saveRule(
                    id: id, name: body.name, profileID: body.profileID, selector: body.labelSelector,
                    namespace: body.namespace ?? "default", clusterName: body.clusterName))
        }
        write(
            "DELETE", "\(base)/{id}", "Delete a rule (refused while its clusters exist)", tag: tag, body: nil,
            status: 204,
            response: nil, errors: [409]
        ) { request in
            try await fleet.deleteRule(try request.uuid("id", resource: "deployment rule"))
            return RESTResponse.noContent()
        }
        get(
            "\(base)/{id}/clusters", "Clusters created by the rule", tag: tag,
            response: Schema.array(Schema.ref("Cluster"))
        ) {
            request in
            let id = try request.uuid("id", resource: "deployment rule")
            guard try await store.deploymentRule(id) != nil else { throw APIError.notFound("deployment rule") }
            return RESTResponse.json(try await store.clusters(ruleID: id))
        }
    }
}
