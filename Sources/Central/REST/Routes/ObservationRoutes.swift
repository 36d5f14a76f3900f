import Foundation
import HTTP1

struct EventPage: Encodable {
    let events: [StoredEvent]
    /// Pass as `before` to get the next (older) page; null on the last page.
    let nextBefore: Int64?
    enum CodingKeys: String, CodingKey {
        case events
        case nextBefore = "next_before"
    }
}

struct TokenBody: Decodable {
    let name: String
}

struct CreatedToken: Encodable {
    let token: APIToken
    /// Shown once; only its hash is stored.
    let secret: String
}

extension RouteTable {
    mutating func addObservationRoutes(_ environment: CentralEnvironment) {
        let store = environment.store

        get(
            "/api/v1/health", "Latest health report of every cluster", tag: "Health",
            query: [
                .init("satellite_id", "Only this satellite's clusters", Schema.uuid),
                .init("cluster_id", "Only this cluster", Schema.uuid),
            ], response: Schema.array(Schema.ref("ClusterHealth"))
        ) { request in
            let satelliteID = try request.query("satellite_id").map { text throws(APIError) in
                guard let id = UUID(uuidString: text) else { throw APIError.badRequest("satellite_id must be a UUID") }
                return id
            }
            let clusterID = try request.query("cluster_id").map { text throws(APIError) in
                guard let id = UUID(uuidString: text) else { throw APIError.badRequest("cluster_id must be a UUID") }
                return id
            }
            return RESTResponse.json(try await store.health(satelliteID: satelliteID, clusterID: clusterID))
        }
        get(
            "/api/v1/events",
            "Events, newest first, filtered and paginated (before = next_before of the previous page)",
            tag: "Events",
            query: [
                .init("cluster", "Cluster name", Schema.string),
                .init("satellite_id", "Satellite", Schema.uuid),
                .init("severity", "Minimum severity", Schema.enumeration(["info", "warning", "error", "critical"])),
                .init("type", "Event type, e.g. cluster.state_changed", Schema.string),
                .init("limit", "Page size (1-500, default 100)", Schema.integer(minimum: 1, maximum: 500)),
                .init("before", "Only events older than this sequence number", Schema.integer(minimum: 1)),
            ], response: Schema.ref("EventPage")
        ) { request in
            var query = EventQuery(limit: try request.queryInt("limit", default: 100, range: 1...500))
            if let text = request.query("satellite_id") {
                guard let id = UUID(uuidString: text) else { throw APIError.badRequest("satellite_id must be a UUID") }
                query.satelliteID = id
            }
            if let cluster = request.query("cluster") {
                guard cluster.count <= 63 else { throw APIError.badRequest("cluster is at most 63 characters") }
                query.clusterName = cluster
            }
            if let type = request.query("type") {
                guard type.count <= 64 else { throw APIError.badRequest("type is at most 64 characters") }
                query.type = type
            }
            if let severity = request.query("severity") {
                guard let level = EventSeverity(name: severity), level != .unspecified else {
                    throw APIError.badRequest("severity must be info, warning, error or critical")
                }
                query.minimumSeverity = level
            }
            if let before = request.query("before") {
                guard let value = Int64(before), value >= 1 else {
                    throw APIError.badRequest("before must be a positive integer")
                }
                query.before = value
            }
            let events = try await store.events(query)
            return RESTResponse.json(
                EventPage(events: events, nextBefore: events.count == query.limit ? events.last?.seq : nil))
        }

        // MARK: API tokens
        get(
            "/api/v1/tokens", "API tokens (secrets are never shown again)", tag: "Tokens",
            response: Schema.array(Schema.ref("APIToken"))
        ) {
            _ in RESTResponse.json(try await store.apiTokens())
        }
        write(
            "POST", "/api/v1/tokens", "Create an API token; the secret is in this response only", tag: "Tokens",
            body: Schema.ref("NameRequest"), status: 201, response: Schema.ref("CreatedToken")
        ) { request in
            let body = try request.decode(TokenBody.self)
            var check = Validator()
            check.check(Syntax.isResourceName(body.name), "name", "letters, digits, space, . _ - (at most 63)")
            try check.finish()
            let secret = APITokens.generate(random: environment.random)
            let token = try await store.createAPIToken(name: body.name, hash: Digest.sha256(secret))
            return RESTResponse.json(CreatedToken(token: token, secret: secret), status: 201)
        }
        write(
            "DELETE", "/api/v1/tokens/{id}", "Revoke a token", tag: "Tokens", body: nil,
            response: Schema.ref("APIToken")
        ) {
            request in
            guard let token = try await store.revokeAPIToken(try request.uuid("id", resource: "token")) else {
                throw APIError.notFound("token")
            }
            return RESTResponse.json(token)
        }

        // MARK: Live updates
        get(
            "/api/v1/live",
            "Incremental change messages as server-sent events (satellite.updated, cluster.updated, cluster.deleted, health.updated, event.created, switchover.progress, ...)",
            tag: "Live updates", response: Schema.string, mediaType: "text/event-stream"
        ) { _ in
            let (id, frames) = environment.live.subscribe()
            let live = environment.live
            return ServerSentEvents.response(frames, finished: { live.unsubscribe(id) })
        }
    }
}

/// API bearer tokens: `pgs_` and 64 hexadecimal characters (32 random bytes).
public enum APITokens {
    public static func generate(random: any SecureRandom) -> String {
        "pgs_" + random.bytes(32).hexString
    }
}
