import Foundation
import HTTP1

struct SwitchoverBody: Decodable {
    let targetPod: String?
    let interactive: Bool?
    enum CodingKeys: String, CodingKey {
        case interactive
        case targetPod = "target_pod"
    }
}

struct OperationBody: Decodable {
    let operationID: UUID
    enum CodingKeys: String, CodingKey { case operationID = "operation_id" }
}

extension RouteTable {
    mutating func addSwitchoverRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let switchovers = SwitchoverService(environment: environment)
        let tag = "Switchovers"
        let base = "/api/v1/clusters/{id}"

        write(
            "POST", "\(base)/switchover", "Start a planned switchover (progress arrives live as switchover.progress)",
            tag: tag, body: Schema.ref("SwitchoverRequest"), status: 202, response: Schema.ref("SwitchoverOperation"),
            errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "cluster")
            let body = try request.decode(SwitchoverBody.self)
            let operation = try await switchovers.request(
                clusterID: id, targetPod: body.targetPod ?? "", interactive: body.interactive ?? false)
            return RESTResponse.json(operation, status: 202)
        }
        for (action, continuing) in [("continue", true), ("abort", false)] {
            write(
                "POST", "\(base)/switchover/\(action)",
                continuing
                    ? "Confirm the step an interactive switchover waits for"
                    : "Abort a switchover (rolls back before the point of no return)",
                tag: tag, body: Schema.ref("OperationRequest"), status: 202,
                response: Schema.ref("SwitchoverOperation"),
                errors: [409]
            ) { request in
                let id = try request.uuid("id", resource: "cluster")
                let body = try request.decode(OperationBody.self)
                return RESTResponse.json(
                    try await switchovers.decide(clusterID: id, operationID: body.operationID, continuing: continuing),
                    status: 202)
            }
        }
        get(
            "\(base)/switchovers", "Recent switchovers of the cluster, newest first", tag: tag,
            response: Schema.array(Schema.ref("SwitchoverOperation"))
        ) {
            request in
            let id = try request.uuid("id", resource: "cluster")
            guard try await store.cluster(id) != nil else { throw APIError.notFound("cluster") }
            return RESTResponse.json(try await store.switchovers(clusterID: id))
        }
        get(
            "\(base)/switchovers/{operation_id}", "One switchover with its steps", tag: tag,
            response: Schema.ref("SwitchoverOperation")
        ) {
            request in
            let id = try request.uuid("id", resource: "cluster")
            let operationID = try request.uuid("operation_id", resource: "switchover operation")
            guard let operation = try await store.switchover(operationID), operation.clusterID == id else {
                throw APIError.notFound("switchover operation")
            }
            return RESTResponse.json(operation)
        }
    }
}
