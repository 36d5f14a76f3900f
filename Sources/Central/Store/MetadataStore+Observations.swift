public import Foundation
public import Postgres

/// Filters for `GET /events`; results are newest first, paginated by `seq`.
public struct EventQuery: Sendable, Equatable {
    public var satelliteID: UUID?
    public var clusterName: String?
    public var type: String?
    public var minimumSeverity: EventSeverity?
    /// Only events with a smaller seq (the previous page's `next_before`).
    public var before: Int64?
    public var limit: Int

    public init(
        satelliteID: UUID? = nil, clusterName: String? = nil, type: String? = nil,
        minimumSeverity: EventSeverity? = nil, before: Int64? = nil, limit: Int = 100
    ) {
        self.satelliteID = satelliteID
        self.clusterName = clusterName
        self.type = type
        self.minimumSeverity = minimumSeverity
        self.before = before
        self.limit = limit
    }
}

extension MetadataStore {
    // MARK: Health

    public func upsertHealth(
        satelliteID: UUID, namespace: String, clusterName: String, state: String, leaseHolder: String,
        appliedConfigVersion: Int64, instances: PostgresJSON, reportedAt: Date
    ) async throws {
        try await pool.query(
            """
            INSERT INTO cluster_health (satellite_id, namespace, cluster_name, state, lease_holder,
                                        applied_config_version, instances, reported_at, received_at)
            VALUES (\(satelliteID), \(namespace), \(clusterName), \(state), \(leaseHolder), \(appliedConfigVersion),
                    \(instances)::jsonb, \(reportedAt), now())
            ON CONFLICT (satellite_id, namespace, cluster_name) DO UPDATE SET state = EXCLUDED.state,
                lease_holder = EXCLUDED.lease_holder, applied_config_version = EXCLUDED.applied_config_version,
                instances = EXCLUDED.instances, reported_at = EXCLUDED.reported_at, received_at = now()
            WHERE cluster_health.reported_at <= EXCLUDED.reported_at
            """)
    }

    public func health(satelliteID: UUID? = nil, clusterID: UUID? = nil) async throws -> [ClusterHealth] {
        try await pool.query(
            """
            SELECT h.satellite_id, h.namespace, h.cluster_name, c.id AS cluster_id, h.state, h.lease_holder,
                   h.applied_config_version, h.instances, h.reported_at, h.received_at
            FROM cluster_health h
            LEFT JOIN clusters c ON c.satellite_id = h.satellite_id AND c.namespace = h.namespace
                                AND c.name = h.cluster_name
            WHERE (\(satelliteID)::uuid IS NULL OR h.satellite_id = \(satelliteID))
              AND (\(clusterID)::uuid IS NULL OR c.id = \(clusterID))
            ORDER BY h.cluster_name, h.namespace, h.satellite_id
            """
        ).rows.map(ClusterHealth.init(row:))
    }

    // MARK: Events

    /// Stores an event once (by id); returns it, or nil if that id was stored before.
    @discardableResult
    public func insertEvent(_ event: NewEvent) async throws -> StoredEvent? {
        try await pool.query(
            """
            INSERT INTO events (id, type, severity, satellite_id, cluster_name, namespace, pod_name, message, data,
                                origin, source, operation_id, occurred_at)
            VALUES (\(event.id), \(event.type), \(Int16(event.severity.rawValue)), \(event.satelliteID),
                    \(event.clusterName), \(event.namespace), \(event.podName), \(event.message),
                    \(PostgresJSON.encoding(event.data))::jsonb, \(event.origin), \(event.source), \(event.operationID),
                    \(event.occurredAt))
            ON CONFLICT (id) DO NOTHING
            RETURNING \(unsafeSQL: StoredEvent.columns)
            """
        ).singleRow().map(StoredEvent.init(row:))
    }

    public func events(_ query: EventQuery) async throws -> [StoredEvent] {
        let severity = query.minimumSeverity.map { Int16($0.rawValue) }
        return try await pool.query(
            """
            SELECT \(unsafeSQL: StoredEvent.columns) FROM events
            WHERE (\(query.satelliteID)::uuid IS NULL OR satellite_id = \(query.satelliteID))
              AND (\(query.clusterName)::text IS NULL OR cluster_name = \(query.clusterName))
              AND (\(query.type)::text IS NULL OR type = \(query.type))
              AND (\(severity)::smallint IS NULL OR severity >= \(severity))
              AND (\(query.before)::bigint IS NULL OR seq < \(query.before))
            ORDER BY seq DESC LIMIT \(query.limit)
            """
        ).rows.map(StoredEvent.init(row:))
    }

    /// Deletes events received before `cutoff`; returns how many.
    @discardableResult
    public func pruneEvents(receivedBefore cutoff: Date) async throws -> Int {
        try await pool.query("DELETE FROM events WHERE received_at < \(cutoff)").affectedRows
    }

    // MARK: API tokens

    public func apiTokens() async throws -> [APIToken] {
        try await pool.query(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at"
        )
        .rows.map(APIToken.init(row:))
    }

    public func apiTokenCount() async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM api_tokens").rows[0].decode(Int.self, "n")
    }

    public func createAPIToken(name: String, hash: [UInt8]) async throws -> APIToken {
        try await pool.query(
            """
            INSERT INTO api_tokens (id, name, token_hash) VALUES (\(UUID()), \(name), \(hash))
            RETURNING id, name, created_at, last_used_at, revoked_at
            """
        ).rows.map(APIToken.init(row:))[0]
    }

    /// The token with this hash if it is not revoked, with its stored hash for the constant-time
    /// comparison.
    public func activeAPIToken(hash: [UInt8]) async throws -> (token: APIToken, hash: [UInt8])? {
        try await pool.query(
            """
            SELECT id, name, created_at, last_used_at, revoked_at, token_hash FROM api_tokens
            WHERE token_hash = \(hash) AND revoked_at IS NULL
            """
        ).singleRow().map { (try APIToken(row: $0), try $0.decode([UInt8].self, "token_hash")) }
    }

    public func touchAPIToken(_ id: UUID) async throws {
        try await pool.query(
            """
            UPDATE api_tokens SET last_used_at = now()
            WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """)
    }

    public func revokeAPIToken(_ id: UUID) async throws -> APIToken? {
        try await pool.query(
            """
            UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id)
            RETURNING id, name, created_at, last_used_at, revoked_at
            """
        ).singleRow().map(APIToken.init(row:))
    }
}
