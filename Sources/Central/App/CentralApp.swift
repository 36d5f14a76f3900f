import Foundation
public import HTTP1
public import Logging
import Postgres
import Synchronization

/// Central assembled: metadata store migrated, admin token ensured, HTTP server bound, and the
/// background chores (heartbeat batches, event retention, live keep-alives) running.
///
/// The gRPC server is wired separately (it needs `registry` and `streams` plus a
/// `SatelliteCommandSink` implementation); until then `commands` is whatever the caller passes.
public final class CentralApp: Sendable {
    public let environment: CentralEnvironment
    public let registry: SatelliteRegistry
    public let streams: SatelliteStreamService
    public let http: HTTPServer
    /// The bound HTTP port (the kernel's choice when configured with port 0).
    public var httpPort: UInt16 { http.port }
    /// The admin token, only when this start created it (first start on an empty database).
    public let createdAdminToken: String?
    let configuration: CentralConfiguration

    private init(
        environment: CentralEnvironment, http: HTTPServer, createdAdminToken: String?,
        configuration: CentralConfiguration
    ) {
        self.environment = environment
        registry = SatelliteRegistry(environment: environment)
        streams = SatelliteStreamService(environment: environment)
        self.http = http
        self.createdAdminToken = createdAdminToken
        self.configuration = configuration
    }

    public static func start(
        _ configuration: CentralConfiguration, commands: any SatelliteCommandSink, logger: Logger,
        random: any SecureRandom = SystemSecureRandom()
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
        let environment = CentralEnvironment(
            store: store, secrets: secrets, commands: commands, random: random, logger: logger)
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
        return CentralApp(
            environment: environment, http: http, createdAdminToken: adminToken.value, configuration: configuration)
    }

    /// Serves HTTP and runs the chores until the calling task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.http.run() }
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

    public func shutdown() async {
        http.close()
        try? await environment.heartbeats.flush()
        await environment.store.pool.close()
    }

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
