import Foundation
import HTTP1
import PGSwarmAPI

struct ApproveBody: Decodable {
    let name: String
    let replace: Bool?
}

struct LabelsBody: Decodable {
    let labels: [String: String]
}

struct TierMappingsBody: Decodable {
    let tierMappings: [String: String]
    enum CodingKeys: String, CodingKey { case tierMappings = "tier_mappings" }
}

struct LogLevelBody: Decodable {
    let level: String
    let target: String?
    let clusterName: String?
    let namespace: String?
    enum CodingKeys: String, CodingKey {
        case level, target, namespace
        case clusterName = "cluster_name"
    }
}

struct ApprovalResult: Encodable {
    let satellite: Satellite
    let replacedSatelliteID: UUID?
    enum CodingKeys: String, CodingKey {
        case satellite
        case replacedSatelliteID = "replaced_satellite_id"
    }
}

struct StatusBody: Codable {
    let status: String
}

extension RouteTable {
    mutating func addSatelliteRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let fleet = FleetService(environment: environment)
        let events = EventLog(environment: environment)
        let tag = "Satellites"
        let base = "/api/v1/satellites"

        get(
            base, "List satellites (token hashes are never included)", tag: tag,
            response: Schema.array(Schema.ref("Satellite"))
        ) { _ in
            RESTResponse.json(try await store.satellites())
        }
        get("\(base)/{id}", "Get a satellite", tag: tag, response: Schema.ref("Satellite")) { request in
            let id = try request.uuid("id", resource: "satellite")
            guard let satellite = try await store.satellite(id) else { throw APIError.notFound("satellite") }
            return RESTResponse.json(satellite)
        }
        write(
            "POST", "\(base)/{id}/approve",
            "Approve a pending satellite; with replace=true an active satellite of the same Kubernetes cluster is replaced",
            tag: tag, body: Schema.ref("ApproveRequest"), response: Schema.ref("ApprovalResult"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            let body = try request.decode(ApproveBody.self)
            var check = Validator()
            check.check(Syntax.isResourceName(body.name), "name", "letters, digits, space, . _ - (at most 63)")
            try check.finish()
            switch try await store.approveSatellite(id, name: body.name, replace: body.replace ?? false) {
            case .notFound: throw APIError.notFound("satellite")
            case .notPending(let state): throw APIError.conflict("satellite is \(state.rawValue), not pending")
            case .nameTaken: throw APIError.conflict("another satellite is named \(body.name)")
            case .conflictingSatellite(let other):
                throw APIError.conflict(
                    "an active satellite serves the same Kubernetes cluster; approve with replace=true to replace it",
                    details: ["conflicting_satellite": .string(other.uuidString.lowercased())])
            case .approved(let satellite, let replaced):
                environment.live.publish("satellite.updated", satellite)
                await events.central(
                    "satellite.approved", .info, satelliteID: satellite.id,
                    message: "satellite approved as \(body.name)",
                    data: ["name": body.name])
                if let replaced {
                    await environment.commands.revoke(replaced, reason: "this satellite was replaced")
                    if let old = try await store.satellite(replaced) {
                        environment.live.publish("satellite.updated", old)
                    }
                    await events.central(
                        "satellite.replaced", .warning, satelliteID: replaced, message: "satellite replaced",
                        data: ["replaced_by": satellite.id.uuidString.lowercased()])
                    // Moved clusters must reach the new satellite.
                    for cluster in try await store.clusters(satelliteID: satellite.id) {
                        environment.live.publish("cluster.updated", cluster)
                    }
                }
                try await fleet.reconcile(satellite)
                return RESTResponse.json(ApprovalResult(satellite: satellite, replacedSatelliteID: replaced))
            }
        }
        write(
            "POST", "\(base)/{id}/reject", "Reject a pending satellite (its token is revoked)", tag: tag, body: nil,
            response: Schema.ref("Satellite"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            guard let before = try await store.rejectSatellite(id) else { throw APIError.notFound("satellite") }
            guard before == .pending else { throw APIError.conflict("satellite is \(before.rawValue), not pending") }
            guard let satellite = try await store.satellite(id) else { throw APIError.notFound("satellite") }
            environment.live.publish("satellite.updated", satellite)
            await events.central("satellite.rejected", .info, satelliteID: id, message: "satellite rejected")
            return RESTResponse.json(satellite)
        }
        write(
            "PUT", "\(base)/{id}/labels",
            "Replace labels; rule clusters that stop matching are paused, matching rules create clusters", tag: tag,
            body: Schema.ref("LabelsRequest"), response: Schema.ref("Satellite")
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            let body = try request.decode(LabelsBody.self)
            return RESTResponse.json(try await fleet.setLabels(id, body.labels))
        }
        write(
            "PUT", "\(base)/{id}/tier-mappings", "Map storage tiers to this satellite's StorageClasses", tag: tag,
            body: Schema.ref("TierMappingsRequest"), response: Schema.ref("Satellite")
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            let body = try request.decode(TierMappingsBody.self)
            var check = Validator()
            check.check(body.tierMappings.count <= 64, "tier_mappings", "at most 64 tiers")
            for (tier, storageClass) in body.tierMappings.sorted(by: { $0.key < $1.key }) {
                check.check(Syntax.isResourceName(tier), "tier_mappings", "tier names are resource names")
                check.check(
                    storageClass.isEmpty || Syntax.isDNSSubdomain(storageClass), "tier_mappings.\(tier.prefix(63))",
                    "must be a StorageClass name (empty: the default class)")
            }
            try check.finish()
            guard let satellite = try await store.setTierMappings(id, body.tierMappings) else {
                throw APIError.notFound("satellite")
            }
            environment.live.publish("satellite.updated", satellite)
            return RESTResponse.json(satellite)
        }
        write(
            "POST", "\(base)/{id}/refresh-storage-classes", "Ask the satellite for its StorageClasses", tag: tag,
            body: nil,
            status: 202, response: Schema.ref("Status"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            guard try await store.satellite(id) != nil else { throw APIError.notFound("satellite") }
            var message = Pgswarm_V1_CentralMessage()
            message.requestStorageClasses = Pgswarm_V1_RequestStorageClasses()
            guard await environment.commands.send(message, to: id) else {
                throw APIError.conflict("the satellite is not connected")
            }
            return RESTResponse.json(StatusBody(status: "requested"), status: 202)
        }
        get(
            "\(base)/{id}/logs", "Recent log records of the satellite and its sidecars (oldest first)", tag: tag,
            query: [
                .init("limit", "How many records (1-1000, default 200)", Schema.integer(minimum: 1, maximum: 1000)),
                .init("level", "Minimum level", Schema.enumeration(LogRecord.levels)),
            ], response: Schema.array(Schema.ref("LogRecord"))
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            let limit = try request.queryInt("limit", default: 200, range: 1...1000)
            let level = request.query("level") ?? "trace"
            guard LogRecord.levels.contains(level) else { throw APIError.badRequest("unknown level \(level)") }
            guard try await store.satellite(id) != nil else { throw APIError.notFound("satellite") }
            return RESTResponse.json(environment.logs.recent(satelliteID: id, limit: limit, minimumLevel: level))
        }
        get(
            "\(base)/{id}/logs/stream", "Live log records as server-sent events (event: log)", tag: tag,
            response: Schema.string, mediaType: "text/event-stream"
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            guard try await store.satellite(id) != nil else { throw APIError.notFound("satellite") }
            let (subscription, records) = environment.logs.subscribe(satelliteID: id)
            let logs = environment.logs
            let frames = AsyncStream<[UInt8]> { continuation in
                let task = Task {
                    continuation.yield(Array(": connected\n\n".utf8))
                    for await record in records {
                        continuation.yield(
                            Array("event: log\ndata: ".utf8) + JSONCoding.encode(record) + Array("\n\n".utf8))
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
            return ServerSentEvents.response(
                frames, finished: { logs.unsubscribe(satelliteID: id, id: subscription) })
        }
        write(
            "POST", "\(base)/{id}/log-level", "Change the log level of the satellite and/or its sidecars", tag: tag,
            body: Schema.ref("LogLevelRequest"), status: 202, response: Schema.ref("Status"), errors: [409]
        ) { request in
            let id = try request.uuid("id", resource: "satellite")
            let body = try request.decode(LogLevelBody.self)
            var check = Validator()
            let level = ProtoNames.logLevel(named: body.level)
            check.check(level != nil, "level", "one of \(LogRecord.levels.joined(separator: ", "))")
            let targets: [String: Pgswarm_V1_LogLevelTarget] = [
                "satellite": .satellite, "sidecars": .sidecars, "all": .all,
            ]
            let target = targets[body.target ?? "satellite"]
            check.check(target != nil, "target", "one of satellite, sidecars, all")
            check.check(body.clusterName.map(Syntax.isClusterName) ?? true, "cluster_name", "must be a cluster name")
            check.check(body.namespace.map { Syntax.isDNSLabel($0) } ?? true, "namespace", "must be a DNS label")
            try check.finish()
            guard try await store.satellite(id) != nil else { throw APIError.notFound("satellite") }
            var message = Pgswarm_V1_CentralMessage()
            message.setLogLevel.level = level!
            message.setLogLevel.target = target!
            if let clusterName = body.clusterName {
                message.setLogLevel.cluster.clusterName = clusterName
                message.setLogLevel.cluster.namespace = body.namespace ?? "default"
            }
            guard await environment.commands.send(message, to: id) else {
                throw APIError.conflict("the satellite is not connected")
            }
            return RESTResponse.json(StatusBody(status: "requested"), status: 202)
        }
    }
}

/// Server-sent events responses (text/event-stream over chunked encoding).
enum ServerSentEvents {
    static func response(_ frames: AsyncStream<[UInt8]>, finished: @escaping @Sendable () -> Void) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"],
            stream: ResponseStream(chunks: frames, finished: finished))
    }
}
