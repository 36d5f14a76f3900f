import Foundation
import GRPC
public import HTTP1
public import Logging
import Postgres
import Synchronization

/// Central assembled: metadata store migrated, admin token ensured, HTTP and gRPC servers
/// bound, and the background chores (heartbeat batches, idle streams, event retention, live
/// keep-alives) running.
public final class CentralApp: Sendable {
    public let environment: CentralEnvironment
    public let registry: SatelliteRegistry
    public let streams: SatelliteStreamService
    /// The satellites' open streams (central's `SatelliteCommandSink`).
    public let hub: SatelliteStreamHub
    public let http: HTTPServer
    /// The satellites' gRPC endpoint; nil when the configuration has none.
    public let grpc: CentralGRPCEndpoint?
    /// The bound HTTP port (the kernel's choice when configured with port 0).
    public var httpPort: UInt16 { http.port }
    /// The admin token, only when this start created it (first start on an empty database).
    public let createdAdminToken: String?
    let configuration: CentralConfiguration

    private init(
        environment: CentralEnvironment, hub: SatelliteStreamHub, http: HTTPServer, grpc: CentralGRPCEndpoint?,
        createdAdminToken: String?, configuration: CentralConfiguration
    ) {
        self.environment = environment
        registry = SatelliteRegistry(environment: environment)
        streams = SatelliteStreamService(environment: environment)
        self.hub = hub
        self.http = http
        self.grpc = grpc
        self.createdAdminToken = createdAdminToken
        self.configuration = configuration
    }

    public static func start(
        _ configuration: CentralConfiguration, logger: Logger, random: any SecureRandom = SystemSecureRandom()
    ) async throws -> CentralApp {
        let pool = PostgresPool(
            configuration: PostgresConfiguration(
                connectionString: configuration.databaseURL, connectTimeout: configuration.databaseConnectTimeout,
                queryTimeout: 30, statementTimeoutMilliseconds: 25_000, applicationName: "pg-swarm-central"),
            maximumConnections: configuration.databaseConnections)
        let store = MetadataStore(pool: pool)
        let adminToken = AdminTokenBox()
        try await Migrator(logger: logger).migrate(pool) { connection in
            // Under the migration lock: of several centrals starting together, one creates it.
            let count = try await connection.query("SELECT count(*) AS n FROM api_tokens").rows[0].decode(Int.self, "n")
            guard count == 0 else { return }
            let secret = APITokens.generate(random: random)
            try await connection.query(
                "INSERT INTO api_tokens (id, name, token_hash) VALUES (\(UUID()), 'admin', \(Digest.sha256(secret)))")
            adminToken.set(secret)
        }
        let secrets = try configuration.encryptionKey.map { key throws(SecretBoxError) in
            try SecretBox(key: key, random: random)
        }
        let heartbeatSeconds = CentralEnvironment.defaultHeartbeatIntervalSeconds
        // satellite_stream.proto: offline after 6 heartbeat periods without any message.
        let hub = SatelliteStreamHub(idleTimeout: .seconds(6 * Int64(heartbeatSeconds)))
        let environment = CentralEnvironment(
            store: store, secrets: secrets, commands: hub, random: random, logger: logger,
            heartbeatIntervalSeconds: heartbeatSeconds)
        let router = APIRoutes.build(environment)
        let responder = CentralResponder(
            environment: environment, router: router, staticFiles: StaticFiles(root: configuration.dashboardDirectory),
            publicMetrics: configuration.publicMetrics)
        var limits = HTTP1Limits()
        limits.maximumBodyBytes = configuration.maximumBodyBytes
        let http = try await HTTPServer.bind(
            HTTPServer.Configuration(
                host: configuration.httpHost, port: configuration.httpPort, tls: configuration.httpTLS, limits: limits,
                errorResponse: { status, reason in
                    RESTResponse.error(
                        APIError(
                            status: status, code: status == 413 ? "payload_too_large" : "bad_request", message: reason),
                        requestID: "-")
                }),
            responder: responder, logger: logger)
        var grpc: CentralGRPCEndpoint?
        if let settings = configuration.grpc {
            do {
                grpc = try await CentralGRPCEndpoint.bind(
                    settings, registry: SatelliteRegistry(environment: environment),
                    streams: SatelliteStreamService(environment: environment), hub: hub, logger: logger,
                    now: environment.now(), random: random)
            } catch {
                http.close()
                await pool.close()
                throw error
            }
        }
        return CentralApp(
            environment: environment, hub: hub, http: http, grpc: grpc, createdAdminToken: adminToken.value,
            configuration: configuration)
    }

    /// Serves HTTP and runs the chores until the calling task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.http.run() }
            if let grpc = self.grpc {
                group.addTask {
                    do {
                        try await grpc.server.run()
                    } catch {
                        self.environment.logger.error("the gRPC server stopped", metadata: ["error": "\(error)"])
                    }
                }
            }
            let sweepPeriod = Duration.seconds(max(1, Int64(self.environment.heartbeatIntervalSeconds) / 2))
            group.addTask { await self.every(sweepPeriod) { _ = self.hub.sweepIdle() } }
            group.addTask { await self.every(.seconds(1)) { try await self.environment.heartbeats.flush() } }
            group.addTask { await self.every(.seconds(15)) { self.environment.live.keepAlive() } }
            group.addTask {
                await self.every(.seconds(3600)) {
                    let cutoff = self.environment.now().addingTimeInterval(
                        -Double(self.configuration.eventRetention.components.seconds))
                    let removed = try await self.environment.store.pruneEvents(receivedBefore: cutoff)
                    if removed > 0 {
                        self.environment.logger.info("pruned old events", metadata: ["events.removed": "\(removed)"])
                    }
                }
            }
        }
    }

    /// Ends the satellites' streams (they record their disconnects), drains gRPC, closes HTTP,
    /// writes pending heartbeats and closes the store.
    public func shutdown() async {
        hub.endAll(GRPCStatus(.unavailable, "central is shutting down"))
        await grpc?.shutdown(gracePeriod: Self.grpcShutdownGracePeriod)
        http.close()
        try? await environment.heartbeats.flush()
        await environment.store.pool.close()
    }

    /// Time for streams to record their disconnects at shutdown before connections are cut.
    static let grpcShutdownGracePeriod = Duration.seconds(10)

    private func every(_ period: Duration, _ chore: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do {
                try await chore()
            } catch {
                environment.logger.warning("background task failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: period)
        }
    }
}

/// Carries the admin token out of the migration closure.
final class AdminTokenBox: Sendable {
    private let storage = Mutex<String?>(nil)
    func set(_ value: String) { storage.withLock { $0 = value } }
    var value: String? { storage.withLock { $0 } }
}
