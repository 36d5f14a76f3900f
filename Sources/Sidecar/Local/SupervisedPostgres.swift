import Failover
import Glibc
public import Logging
public import Postgres
public import Supervisor

/// `LocalNode` for the pod: PostgreSQL over its Unix socket (one status and administration
/// session, replaced whenever it fails) and the supervisor over its control socket.
public actor SupervisedPostgres: LocalNode {
    let settings: LocalPostgresSettings
    let supervisor: SupervisorClient
    let logger: Logger
    var session: PostgresConnection?

    public init(settings: LocalPostgresSettings, supervisorSocket: String, logger: Logger) {
        self.settings = settings
        self.supervisor = SupervisorClient(path: supervisorSocket)
        self.logger = logger
    }

    // MARK: Observation

    public func observe(memberAt: @Sendable (SourceServer) -> String?) async -> LocalObservation {
        let report = await supervisorStatus()
        do {
            let connection = try await connected()
            var status = try await connection.nodeStatus()
            var standbys: [ReplicationPeer] = []
            var names: [String] = []
            if status.inRecovery {
                status.timeline = max(status.timeline, try await connection.newestReceivedTimeline())
            } else {
                standbys = try await connection.replicationPeers()
                names = SynchronousStandbyNames.parse(try await connection.setting("synchronous_standby_names"))
            }
            let upstream = status.inRecovery ? report?.source.flatMap(memberAt) : nil
            let snapshot = PostgresSnapshot(
                status, fenced: fencedOnDisk(), upstream: upstream, synchronousStandbyNames: names, standbys: standbys)
            let local = LocalPostgres.running(snapshot)
            // While the supervisor rewinds, re-points or restarts, the server is not ours to
            // promote (unless it takes writes: then the fence guards must see it).
            if report?.operation != nil && !local.isWritable {
                return LocalObservation(local: .rebuilding, supervisor: report, node: status)
            }
            return LocalObservation(local: local, supervisor: report, node: status)
        } catch {
            drop()
            let local: LocalPostgres
            if let error = error as? PostgresError, error.isStartingUp {
                local = .starting
            } else {
                switch report?.state {
                case .starting, .restarting: local = .starting
                case .maintenance, .awaitingDirective: local = .rebuilding
                case .running, .stopped, .shuttingDown, nil: local = report?.operation != nil ? .rebuilding : .down
                }
            }
            return LocalObservation(local: local, supervisor: report, node: nil)
        }
    }

    /// Whether the rules file carries the fence. An unreadable file counts as not fenced: the
    /// decision then fences (again), which is the safe side.
    func fencedOnDisk() -> Bool {
        do { return try PostgresFence.isFileFenced(at: settings.hbaFile) } catch { return false }
    }

    func supervisorStatus() async -> SupervisorStatus? {
        do {
            return try await supervisor.send(.status, timeout: .seconds(1)).status
        } catch {
            logger.debug("supervisor status unavailable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    // MARK: Session

    func connected() async throws -> PostgresConnection {
        if let session, !session.isClosed { return session }
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(
                connectionString: settings.conninfo, connectTimeout: settings.timeout, queryTimeout: settings.timeout,
                statementTimeoutMilliseconds: Int(settings.timeout * 1000), applicationName: "pg-swarm-sidecar"))
        session = connection
        return connection
    }

    /// Forgets the session after a failure; it is closed in the background (a hung one may take
    /// its cancel grace to let go).
    func drop() {
        guard let old = session else { return }
        session = nil
        Task { await old.close() }
    }

    /// Runs `body` on the session; any failure drops it, so the next call starts afresh.
    func withSession<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await body(try await connected())
        } catch {
            drop()
            throw error
        }
    }

    // MARK: Steps

    public func fence() async throws {
        // The file first: it holds even if the server is down or dies right now. No file yet
        // means no server ever started here: nothing to fence.
        guard access(settings.hbaFile, F_OK) == 0 else { return }
        try PostgresFence.fenceFile(at: settings.hbaFile)
        guard await supervisorStatus()?.pid != nil || session != nil else { return }
        do {
            _ = try await withSession { session in
                // The file is fenced already, so `PostgresFence.fence()` would not reload it: the
                // server must re-read it before the sweep, or new clients still get in by the old rules.
                try await session.reloadConfiguration()
                return try await PostgresFence(connection: session, hbaPath: settings.hbaFile).fence()
            }
        } catch let error as PostgresError where error.isConnectionFailure {
            // Down after all: the fenced file is all a stopped server needs.
            guard await supervisorStatus()?.pid == nil else { throw error }
        }
    }

    public func unfence() async throws {
        try await withSession { try await PostgresFence(connection: $0, hbaPath: settings.hbaFile).unfence() }
    }

    public func promote() async throws {
        try await withSession { session in
            guard try await session.promote(wait: true, waitSeconds: 60) else {
                throw LocalNodeError.promotionUnfinished
            }
            try await session.checkpoint()
        }
    }

    public func follow(_ source: SourceServer, timeout: Duration) async throws -> FollowOutcome? {
        drop()
        return try await command(.follow(source), timeout: timeout).lastFollow
    }

    public func restart(timeout: Duration) async throws {
        drop()
        try await command(.restart, timeout: timeout)
    }

    public func setSynchronousStandbys(_ names: [String]) async throws -> LSN {
        try await withSession { session in
            let value = SynchronousStandbyNames.format(names)
            try await session.query("ALTER SYSTEM SET synchronous_standby_names = \(literal: value)")
            try await session.reloadConfiguration()
            let row = try await session.query("SELECT pg_current_wal_lsn() AS lsn").singleRow()
            guard let lsn = try row?.decode(LSN.self, "lsn") else { throw LocalNodeError.notPrimary }
            return lsn
        }
    }

    public func setWatchdog(_ writableUntil: BootInstant?) async throws {
        try await command(.watchdog(writableUntil: writableUntil), timeout: .seconds(2))
    }

    public func bootstrap(_ directive: BootDirective, timeout: Duration) async throws {
        try await command(.bootstrap(directive), timeout: timeout)
    }

    public func releaseShutdown() async throws {
        try await command(.releaseShutdown, timeout: .seconds(2))
    }

    public func checkpoint() async throws {
        try await withSession { try await $0.checkpoint() }
    }

    public func reloadConfiguration() async throws {
        try await withSession { try await $0.reloadConfiguration() }
    }

    public func createDatabase(name: String, owner: String, password: String) async throws {
        try await withSession { session in
            let role = try await session.query("SELECT 1 AS found FROM pg_roles WHERE rolname = \(owner)")
            if role.rows.isEmpty {
                try await session.query("CREATE ROLE \(identifier: owner) WITH LOGIN PASSWORD \(literal: password)")
            } else {
                try await session.query("ALTER ROLE \(identifier: owner) WITH LOGIN PASSWORD \(literal: password)")
            }
            let database = try await session.query("SELECT 1 AS found FROM pg_database WHERE datname = \(name)")
            if database.rows.isEmpty {
                try await session.query("CREATE DATABASE \(identifier: name) OWNER \(identifier: owner)")
            }
        }
    }

    @discardableResult
    private func command(_ command: SupervisorCommand, timeout: Duration) async throws -> SupervisorStatus {
        let response = try await supervisor.send(command, timeout: timeout)
        if let error = response.error { throw LocalNodeError.supervisor(error) }
        return response.status
    }
}

extension PostgresError {
    /// The session could not be opened or was lost (as opposed to a statement that failed).
    var isConnectionFailure: Bool {
        switch self {
        case .connectionFailed, .connectTimeout, .connectionClosed: true
        default: false
        }
    }

    /// The server runs but does not accept connections yet (SQLSTATE 57P03, e.g. crash recovery).
    var isStartingUp: Bool {
        if sqlState == .cannotConnectNow { return true }
        guard case .connectionFailed(let message) = self else { return false }
        return message.contains("starting up") || message.contains("not yet accepting connections")
    }
}

extension PostgresConnection {
    /// A standby's newest timeline it holds WAL of: the highest timeline among the WAL segment
    /// files in pg_wal. Once the WAL receiver stops (its upstream died) pg_stat_wal_receiver no
    /// longer tells the timeline, and pg_control still shows the one of the last restartpoint,
    /// which may be several promotions old. History files do not count: a standby fetches the
    /// history of a timeline even when it cannot follow it.
    nonisolated func newestReceivedTimeline() async throws -> Int {
        let row = try await query(
            """
            SELECT coalesce(max(('x' || substr(name, 1, 8))::bit(32)::int), 0) AS timeline
            FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'
            """
        ).singleRow()
        return try row?.decode(Int.self, "timeline") ?? 0
    }
}
