import Postgres
import PostgresTestSupport

/// One single-node server shared by the tests that only need a database; started on first use
/// and stopped when the test process exits (ScratchSpace's exit hook).
actor SharedServer {
    static let shared = SharedServer()
    /// A task, not a value: callers arriving while the server starts must wait for the same one.
    private var starting: Task<PostgresTestCluster, any Error>?

    func node() async throws -> PostgresTestNode {
        if starting == nil { starting = Task { try await PostgresTestCluster.start(replicas: 0) } }
        return try await starting!.value.initialPrimary
    }

    static func connect(_ tweak: (inout PostgresConfiguration) -> Void = { _ in }) async throws -> PostgresConnection {
        let node = try await shared.node()
        var configuration = PostgresConfiguration(connectionString: node.tcpConninfo(), connectTimeout: 5)
        tweak(&configuration)
        return try await PostgresConnection.connect(configuration)
    }
}

/// Runs `body` with a fresh cluster and always shuts it down.
func withCluster<T: Sendable>(
    replicas: Int, settings: [String: String] = [:], _ body: (PostgresTestCluster) async throws -> T
) async throws -> T {
    let cluster = try await PostgresTestCluster.start(replicas: replicas, settings: settings)
    do {
        let value = try await body(cluster)
        await cluster.shutdown()
        return value
    } catch {
        await cluster.shutdown()
        throw error
    }
}

/// A short unique name for tables and channels, so tests sharing a server do not collide.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
}

struct TimedOut: Error {}

/// Runs `body`, failing with `TimedOut` if it takes longer than `limit`, so a test that would
/// wait forever fails instead.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
