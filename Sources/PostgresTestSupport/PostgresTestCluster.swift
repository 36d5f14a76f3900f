import Foundation
import Glibc
public import Postgres

/// A primary and N streaming standbys of the installed PostgreSQL, for tests.
///
/// Everything lives in one scratch folder; `shutdown()` stops every server by pid, and folders
/// of test processes that died are swept by the next cluster that starts. Run as root (as CI
/// does), the servers run as `postgres`.
public final class PostgresTestCluster: Sendable {
    public let folder: String
    public let nodes: [PostgresTestNode]
    public let tools: PostgresTools

    /// The node that was initialized as primary (roles may change during a test).
    public var initialPrimary: PostgresTestNode { nodes[0] }
    public var initialReplicas: ArraySlice<PostgresTestNode> { nodes.dropFirst() }

    private init(folder: String, nodes: [PostgresTestNode], tools: PostgresTools) {
        self.folder = folder
        self.nodes = nodes
        self.tools = tools
    }

    /// The user servers run as: `postgres` when running as root, else the current user.
    public static var serverUser: String? { geteuid() == 0 ? "postgres" : nil }

    /// Starts a primary and `replicas` standbys, streaming, and returns when all accept
    /// connections and every standby streams.
    public static func start(replicas: Int = 0, settings: [String: String] = [:]) async throws -> PostgresTestCluster {
        let user = serverUser
        let tools = PostgresTools(user: user)
        let folder = try ScratchSpace.makeFolder(owner: user)
        var nodes: [PostgresTestNode] = []
        do {
            for index in 0...replicas {
                nodes.append(
                    PostgresTestNode(
                        name: "node\(index)", folder: "\(folder)/node\(index)", port: try ScratchSpace.reservePort(),
                        tools: tools, settings: settings))
            }
            let cluster = PostgresTestCluster(folder: folder, nodes: nodes, tools: tools)
            try await nodes[0].initialize()
            try await nodes[0].start()
            for replica in nodes.dropFirst() {
                try await replica.initializeAsStandby(of: nodes[0].address)
                try await replica.start()
            }
            try await cluster.waitForStreaming(primary: nodes[0], standbys: Array(nodes.dropFirst()))
            return cluster
        } catch {
            for node in nodes { await node.kill() }
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// Stops every server (kill -9: tests do not need a clean shutdown) and deletes the folder.
    public func shutdown() async {
        for node in nodes { await node.kill() }
        ScratchSpace.killServers(under: folder)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Waits until each of `standbys` appears as `streaming` in the primary's pg_stat_replication.
    public func waitForStreaming(
        primary: PostgresTestNode, standbys: [PostgresTestNode], timeout: Duration = .seconds(60)
    ) async throws {
        guard !standbys.isEmpty else { return }
        let expected = Set(standbys.map(\.name))
        let deadline = ContinuousClock.now + timeout
        let session = try await primary.connect(viaSocket: true)
        defer { Task { await session.close() } }
        while ContinuousClock.now < deadline {
            let streaming = try await session.replicationPeers().filter { $0.state == "streaming" }
            if expected.isSubset(of: Set(streaming.map(\.applicationName))) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestClusterError.setupFailed("standbys \(expected.sorted()) not streaming from \(primary.name)")
    }

    /// Waits until `standby` has replayed at least `lsn`.
    public func waitForReplay(on standby: PostgresTestNode, atLeast lsn: LSN, timeout: Duration = .seconds(30))
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        let session = try await standby.connect(viaSocket: true)
        defer { Task { await session.close() } }
        while ContinuousClock.now < deadline {
            if let replayed = try await session.nodeStatus().replayedLSN, replayed >= lsn { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestClusterError.setupFailed("\(standby.name) did not replay up to \(lsn)")
    }

    /// Replaces `node`'s data directory by a fresh base backup of `source` and starts it as a
    /// standby (what the supervisor does when WAL needed by a standby is gone).
    public func rebuild(_ node: PostgresTestNode, from source: PostgresTestNode) async throws {
        await node.kill()
        try? FileManager.default.removeItem(atPath: node.dataDirectory)
        try await node.initializeAsStandby(of: source.address)
        try await node.start()
    }
}
