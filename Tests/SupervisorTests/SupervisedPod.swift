import Foundation
import Glibc
import Logging
import Postgres
import PostgresTestSupport
import Supervisor

/// A "pod" for tests: a volume, a template (the ConfigMap), a socket directory and an in-process
/// Supervisor with its control socket, running real PostgreSQL as the `postgres` user.
final class SupervisedPod: Sendable {
    static let replicationPassword = "s3cret:repl\\pw"
    static let templateConf = """
        wal_level = replica
        max_wal_senders = 10
        hot_standby = on
        fsync = off
        shared_buffers = 16MB
        wal_sender_timeout = 5s
        wal_receiver_timeout = 5s
        wal_retrieve_retry_interval = 500ms
        # pg_rewind needs the old primary's WAL back to the last common checkpoint.
        wal_keep_size = 256MB
        log_line_prefix = '%m [%p] %q%a '

        """
    /// Replication needs the password (proves the passfile path); everything else is trusted.
    static let templateHBA = """
        local all all trust
        host replication replicator 127.0.0.1/32 scram-sha-256
        host all all 127.0.0.1/32 trust

        """

    let name: String
    let folder: String
    let port: Int
    let configuration: SupervisorConfiguration
    let supervisor: Supervisor
    let control: ControlServer
    let client: SupervisorClient

    init(name: String, in folder: String) async throws {
        let user = PostgresTestCluster.serverUser
        self.name = name
        self.folder = folder + "/" + name
        port = try ScratchSpace.reservePort()
        for directory in [self.folder, self.folder + "/template", self.folder + "/run", self.folder + "/volume"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if let user, let entry = getpwnam(user) { chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid) }
        }
        try Self.templateConf.write(
            toFile: self.folder + "/template/postgresql.conf", atomically: true, encoding: .utf8)
        try Self.templateHBA.write(toFile: self.folder + "/template/pg_hba.conf", atomically: true, encoding: .utf8)
        for file in ["postgresql.conf", "pg_hba.conf"] { chmod(self.folder + "/template/" + file, 0o644) }
        configuration = SupervisorConfiguration(
            volumeRoot: self.folder + "/volume", templateDirectory: self.folder + "/template",
            socketDirectory: self.folder + "/run", nodeName: name, port: port, listenAddresses: "127.0.0.1",
            replicationPassword: Self.replicationPassword, tools: PostgresTools(user: user),
            crashPolicy: CrashPolicy(initialDelay: 0.1, maximumDelay: 1), streamingGrace: 5)
        var logger = Logger(label: "supervisor.\(name)")
        logger.logLevel = .warning
        supervisor = Supervisor(configuration: configuration, logger: logger)
        control = try ControlServer(path: configuration.controlSocketPath, supervisor: supervisor, logger: logger)
        client = SupervisorClient(path: configuration.controlSocketPath)
        let control = self.control
        Task { await control.run() }
        await supervisor.boot()
    }

    var source: SourceServer { SourceServer(host: "127.0.0.1", port: port) }

    func send(_ command: SupervisorCommand, timeout: Duration = .seconds(120)) async throws -> SupervisorStatus {
        let response = try await client.send(command, timeout: timeout)
        if let error = response.error { throw SupervisorError.failed(error) }
        return response.status
    }

    /// A client session over TCP, as an application connects.
    func tcpSession() async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: "host=127.0.0.1 port=\(port) user=postgres dbname=postgres"))
    }

    /// A superuser session over the Unix socket, as the sidecar connects.
    func adminSession() async throws -> PostgresConnection {
        try await PostgresConnection.connect(PostgresConfiguration(connectionString: configuration.localConninfo))
    }

    func stop() async {
        await supervisor.shutdown(grace: .zero)
        control.close()
    }
}

/// Runs `body` with pods in a fresh scratch folder and always stops them.
func withPods<T: Sendable>(
    _ names: [String], _ body: ([SupervisedPod]) async throws -> T
) async throws -> T {
    let folder = try ScratchSpace.makeFolder(owner: PostgresTestCluster.serverUser)
    var pods: [SupervisedPod] = []
    do {
        for name in names { pods.append(try await SupervisedPod(name: name, in: folder)) }
        let value = try await body(pods)
        for pod in pods { await pod.stop() }
        try? FileManager.default.removeItem(atPath: folder)
        return value
    } catch {
        for pod in pods { await pod.stop() }
        try? FileManager.default.removeItem(atPath: folder)
        throw error
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func eventually(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
