import ChildProcesses
import Foundation
import Glibc
public import Postgres

/// One PostgreSQL server of a test cluster, run as a child process of the test.
///
/// Layout: `<folder>/conf` holds postgresql.conf and pg_hba.conf (outside the data directory, as
/// in our pods, so pg_basebackup and pg_rewind never copy node-specific settings or a fence),
/// `<folder>/data` is PGDATA, `<folder>/run` the Unix socket directory, `<folder>/postgres.log`
/// the server log. The server runs as `postgres` when the tests run as root (PostgreSQL refuses
/// root) in a session of its own, so a kill -9 takes its backends with it, like a pod crash.
public actor PostgresTestNode {
    public nonisolated let name: String
    public nonisolated let port: Int
    public nonisolated let folder: String
    public nonisolated let tools: PostgresTools
    nonisolated let user: String?
    private var settings: [String: String]
    private var server: ChildProcess?

    public nonisolated var dataDirectory: String { folder + "/data" }
    public nonisolated var configDirectory: String { folder + "/conf" }
    public nonisolated var socketDirectory: String { folder + "/run" }
    public nonisolated var hbaPath: String { configDirectory + "/pg_hba.conf" }
    public nonisolated var logPath: String { folder + "/postgres.log" }

    /// TCP address of the server (what clients and standbys use).
    public nonisolated var address: PostgresServerAddress {
        PostgresServerAddress(host: "127.0.0.1", port: port, user: "postgres")
    }

    /// conninfo over TCP, as a client application would connect.
    public nonisolated func tcpConninfo(user: String = "postgres", database: String = "postgres") -> String {
        "host=127.0.0.1 port=\(port) user=\(conninfoQuoted(user)) dbname=\(conninfoQuoted(database))"
    }

    /// conninfo over the Unix socket, as the supervisor and sidecar in the pod connect.
    public nonisolated func socketConninfo(user: String = "postgres", database: String = "postgres") -> String {
        "host=\(socketDirectory) port=\(port) user=\(conninfoQuoted(user)) dbname=\(conninfoQuoted(database))"
    }

    init(name: String, folder: String, port: Int, tools: PostgresTools, settings: [String: String]) {
        self.name = name
        self.folder = folder
        self.port = port
        self.tools = tools
        self.user = tools.user
        self.settings = settings
    }

    /// The postmaster's pid while it runs.
    public var pid: Int32? {
        guard let server, server.exitStatus == nil else { return nil }
        return server.pid
    }

    public var isRunning: Bool { pid != nil }

    // MARK: Setup

    /// Creates an empty cluster with initdb (1 MB WAL segments, so tests can make WAL go away).
    func initialize() async throws {
        try makeFolders()
        _ = try await tools.run(
            "initdb",
            [
                "--pgdata=\(dataDirectory)", "--username=postgres", "--auth=trust", "--encoding=UTF8",
                "--locale=C.UTF-8", "--wal-segsize=1", "--no-sync", "--no-instructions",
                // pg_rewind needs checksums or wal_log_hints; the setting must also hold when
                // pg_rewind runs crash recovery with the data directory's own config, so it is
                // made part of the cluster itself.
                "--data-checksums",
            ], timeout: .seconds(120))
        try writeConfiguration()
    }

    /// Creates the data directory as a copy of `source` and configures it as its standby.
    func initializeAsStandby(of source: PostgresServerAddress) async throws {
        try makeFolders()
        _ = try await tools.baseBackup(into: dataDirectory, source: source, timeout: .seconds(300))
        try writeConfiguration()
    }

    private func makeFolders() throws {
        for directory in [folder, configDirectory, socketDirectory] {
            mkdir(directory, 0o700)
            if let user { try ScratchSpace.changeOwner(directory, to: user) }
        }
    }

    /// Writes conf/postgresql.conf and conf/pg_hba.conf (owned by the server's user).
    func writeConfiguration() throws {
        var lines = Self.baseSettings.merging(settings) { $1 }
        lines["data_directory"] = "'\(dataDirectory)'"
        lines["hba_file"] = "'\(hbaPath)'"
        lines["ident_file"] = "'\(dataDirectory)/pg_ident.conf'"
        lines["port"] = String(port)
        lines["unix_socket_directories"] = "'\(socketDirectory)'"
        lines["cluster_name"] = "'\(name)'"
        let conf = lines.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n") + "\n"
        try write(conf, to: configDirectory + "/postgresql.conf")
        if !FileManager.default.fileExists(atPath: hbaPath) {
            try write(Self.defaultHBA, to: hbaPath)
        }
    }

    /// Changes settings and rewrites postgresql.conf; takes effect on reload or restart.
    public func configure(_ changes: [String: String]) throws {
        settings.merge(changes) { $1 }
        try writeConfiguration()
    }

    /// Writes `contents` to conf/`name`, readable only by the server's user (as a TLS key must
    /// be); returns its path.
    public func writeConfigurationFile(named name: String, contents: String) throws -> String {
        let path = configDirectory + "/" + name
        try write(contents, to: path)
        return path
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        if let user { try ScratchSpace.changeOwner(path, to: user) }
    }

    static let baseSettings: [String: String] = [
        "listen_addresses": "'127.0.0.1'",
        "wal_level": "replica",
        "max_wal_senders": "10",
        "max_replication_slots": "10",
        "hot_standby": "on",
        // pg_rewind needs hint bits WAL-logged (or data checksums).
        "wal_log_hints": "on",
        // Tests never survive an OS crash; skipping fsync keeps them fast. Crash safety of a
        // killed postmaster does not depend on it.
        "fsync": "off",
        "shared_buffers": "16MB",
        "max_wal_size": "32MB",
        "min_wal_size": "4MB",
        "wal_keep_size": "0",
        "wal_sender_timeout": "30s",
        "wal_receiver_timeout": "30s",
        "wal_receiver_status_interval": "1s",
        "wal_retrieve_retry_interval": "500ms",
        "logging_collector": "off",
        "log_line_prefix": "'%m [%p] %q%a '",
        "password_encryption": "'scram-sha-256'",
    ]

    static let defaultHBA = """
        local all all trust
        host all all 127.0.0.1/32 trust
        host replication all 127.0.0.1/32 trust

        """

    // MARK: Life cycle

    /// Starts the server and waits until it accepts connections.
    ///
    /// Right after a kill -9 a backend that was being forked at that instant can outlive the
    /// process group and still hold the old shared memory for a moment; PostgreSQL then refuses to
    /// start ("pre-existing shared memory block"). That start is retried, briefly.
    public func start(timeout: Duration = .seconds(60)) async throws {
        guard !isRunning else { return }
        for attempt in 1...20 {
            let spec = ProcessSpec(
                executable: tools.path("postgres"), arguments: ["-D", configDirectory],
                environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": tools.binDirectory + ":/usr/bin:/bin"],
                newSession: true, output: .appendToFile(logPath), user: user)
            let process = try ChildProcess.spawn(spec)
            server = process
            do {
                try await waitUntilReady(timeout: timeout)
                return
            } catch TestClusterError.notReady(let node, let log)
                where attempt < 20 && process.exitStatus != nil && log.contains("pre-existing shared memory block")
            {
                _ = node
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Fast shutdown (SIGINT): clients are disconnected, a shutdown checkpoint is written.
    public func stop(timeout: Duration = .seconds(60)) async throws {
        guard let server, server.exitStatus == nil else { return }
        server.send(signal: SIGINT, toGroup: false)
        if try await !waitForExit(server, timeout: timeout) {
            server.send(signal: SIGKILL)
            _ = await server.waitForExit()
        }
    }

    /// kill -9 of the postmaster and every backend at once: a crash, no shutdown checkpoint.
    public func kill() async {
        guard let server, server.exitStatus == nil else { return }
        server.send(signal: SIGKILL)
        _ = await server.waitForExit()
        // Backends in the same session got the SIGKILL too; wait until they are gone so that a
        // restart does not find the old shared memory still attached.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, Glibc.kill(-server.pid, 0) == 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func restart() async throws {
        try await stop()
        try await start()
    }

    /// Opens a session (over TCP by default, over the Unix socket with `viaSocket`).
    public nonisolated func connect(
        viaSocket: Bool = false, user: String = "postgres", database: String = "postgres", connectTimeout: Double = 5
    ) async throws -> PostgresConnection {
        let conninfo =
            viaSocket ? socketConninfo(user: user, database: database) : tcpConninfo(user: user, database: database)
        return try await PostgresConnection.connect(
            PostgresConfiguration(
                connectionString: conninfo, connectTimeout: connectTimeout, applicationName: "pg-swarm-test"))
    }

    /// The last `bytes` of the server log, for failure messages.
    public nonisolated func logTail(bytes: Int = 4000) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        return String(text.suffix(bytes))
    }

    private func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard isRunning else { throw TestClusterError.notReady(node: name, log: logTail()) }
            if let session = try? await connect(viaSocket: true, connectTimeout: 2) {
                await session.close()
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestClusterError.notReady(node: name, log: logTail())
    }

    private func waitForExit(_ process: ChildProcess, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if process.exitStatus != nil { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.exitStatus != nil
    }
}
