import Central
import Foundation
import HTTP1
import Logging
import PGSwarmAPI
import Postgres
import PostgresTestSupport
import Synchronization

/// One PostgreSQL server for the whole test process; each test gets a database of its own.
actor TestDatabaseServer {
    static let shared = TestDatabaseServer()
    private var starting: Task<PostgresTestCluster, any Error>?

    func node() async throws -> PostgresTestNode {
        if starting == nil { starting = Task { try await PostgresTestCluster.start(replicas: 0) } }
        return try await starting!.value.initialPrimary
    }

    /// A fresh, empty database; returns its conninfo.
    static func freshDatabase() async throws -> String {
        let node = try await shared.node()
        let name = "central_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try await node.connect()
        try await admin.query("CREATE DATABASE \(identifier: name)")
        await admin.close()
        return node.tcpConninfo(database: name)
    }
}

/// Log lines captured in memory (to check that no secret is ever logged).
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.append("\(event.level) \(event.message) \(merged)")
    }
}

/// Central in-process (no sockets): the responder, the services and a recording sink.
struct TestCentral {
    let environment: CentralEnvironment
    let responder: CentralResponder
    let commands: RecordingCommandSink
    let logs: CapturedLogs
    let adminToken: String
    let registry: SatelliteRegistry
    let streams: SatelliteStreamService
    let conninfo: String
    /// Templates of routes a test reached with a non-error answer (route coverage).
    let covered = RouteCoverage()

    static func start(encryptionKey: [UInt8]? = Array(repeating: 7, count: 32)) async throws -> TestCentral {
        let conninfo = try await TestDatabaseServer.freshDatabase()
        let logs = CapturedLogs()
        let logger = logs.logger()
        let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: conninfo), maximumConnections: 4)
        try await Migrator(logger: logger).migrate(pool)
        let store = MetadataStore(pool: pool)
        let token = APITokens.generate(random: SystemSecureRandom())
        _ = try await store.createAPIToken(name: "admin", hash: Digest.sha256(token))
        let commands = RecordingCommandSink()
        let environment = CentralEnvironment(
            store: store, secrets: try encryptionKey.map { try SecretBox(key: $0) }, commands: commands, logger: logger)
        let responder = CentralResponder(
            environment: environment, router: APIRoutes.build(environment), staticFiles: StaticFiles(root: nil))
        return TestCentral(
            environment: environment, responder: responder, commands: commands, logs: logs, adminToken: token,
            registry: SatelliteRegistry(environment: environment),
            streams: SatelliteStreamService(environment: environment),
            conninfo: conninfo)
    }

    var store: MetadataStore { environment.store }

    /// Calls the API; `token: nil` sends none.
    @discardableResult
    func call(
        _ method: String, _ path: String, json: String? = nil, token: String?? = .none,
        headers: [(String, String)] = []
    ) async -> TestResponse {
        var fields: [(name: String, value: String)] = [("Host", "test")]
        switch token {
        case .none: fields.append(("Authorization", "Bearer \(adminToken)"))
        case .some(.some(let value)): fields.append(("Authorization", "Bearer \(value)"))
        case .some(.none): break
        }
        if json != nil { fields.append(("Content-Type", "application/json")) }
        fields += headers.map { (name: $0.0, value: $0.1) }
        let request = HTTPRequest(
            method: method, target: path, headers: HTTPHeaders(fields), body: Array((json ?? "").utf8))
        let response = await responder.respond(to: request)
        let result = TestResponse(response: response)
        if response.status < 400 { await covered.hit(method, path, router: responder) }
        return result
    }

    /// Registers a satellite through the registry; returns (id, token).
    func registerSatellite(cluster: String, labels: [String: String] = [:]) async throws -> (UUID, String) {
        let token = SystemSecureRandom().bytes(32).hexString
        var request = Pgswarm_V1_RegisterRequest()
        request.k8SClusterName = cluster
        request.hostname = "node-1"
        request.labels = labels
        request.authTokenSha256 = Data(Digest.sha256(token))
        let response = try await registry.register(request)
        return (UUID(uuidString: response.satelliteID)!, token)
    }

    /// Registers and approves a satellite.
    func approvedSatellite(_ name: String, labels: [String: String] = [:]) async throws -> (UUID, String) {
        let (id, token) = try await registerSatellite(cluster: name, labels: labels)
        let response = await call("POST", "/api/v1/satellites/\(id)/approve", json: "{\"name\": \"\(name)\"}")
        precondition(response.status == 200, "approve failed: \(response.text)")
        return (id, token)
    }

    func close() async {
        await store.pool.close()
    }
}

struct TestResponse {
    let response: HTTPResponse
    var status: Int { response.status }
    var bytes: [UInt8] { response.bodyBytes ?? [] }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    func string(_ key: String) -> String? { object[key] as? String }
}

/// Which route templates the tests reached successfully, across the whole test process.
actor RouteCoverage {
    private(set) var templates: Set<String> = []

    func hit(_ method: String, _ path: String, router responder: CentralResponder) {
        let bare = path.split(separator: "?").first.map(String.init) ?? path
        if let template = responder.routeTemplate(method: method, path: bare) {
            templates.insert("\(method) \(template)")
        }
    }
}
