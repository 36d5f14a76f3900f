import Failover
public import Logging
import Postgres

/// `StreamInstance` for the pod: the local PostgreSQL over its Unix socket, one fresh session
/// per command (so that a broken session always means "broken while the command ran"), and the
/// shell for everything the election owns: the lease, the fence and its hold.
public actor LocalStreamInstance: StreamInstance {
    let settings: LocalPostgresSettings
    let shell: SidecarShell
    let levels: LogLevelSwitch
    let clock: SidecarClock
    let logger: Logger

    /// Between two looks at the sessions still open while a fence drains.
    static let drainPollInterval: Duration = .milliseconds(100)

    public init(
        settings: LocalPostgresSettings, shell: SidecarShell, levels: LogLevelSwitch,
        clock: SidecarClock = SidecarClock(),
        logger: Logger
    ) {
        self.settings = settings
        self.shell = shell
        self.levels = levels
        self.clock = clock
        self.logger = logger
    }

    // MARK: Sessions

    /// A session for one command: no statement timeout (the command's own deadline cancels it),
    /// or the status connection's short timeouts for readings.
    func withSession<T: Sendable>(short: Bool = false, _ body: (PostgresConnection) async throws -> T) async throws -> T
    {
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(
                connectionString: settings.conninfo, connectTimeout: settings.timeout,
                queryTimeout: short ? settings.timeout : nil,
                statementTimeoutMilliseconds: short ? Int(settings.timeout * 1000) : 0,
                applicationName: "pg-swarm-sidecar-stream"))
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }

    // MARK: StreamInstance

    public func reading() async -> InstanceReading {
        let holdsLease = await shell.holdsFreshLease()
        var fenced = false
        do {
            fenced = try PostgresFence.isFileFenced(at: settings.hbaFile)
        } catch {
            logger.debug("pg_hba.conf unreadable", metadata: ["error": "\(error)"])
        }
        do {
            let state = try await withSession(short: true) { InstanceReading.PostgresState(try await $0.nodeStatus()) }
            return InstanceReading(postgres: state, fenced: fenced, holdsLease: holdsLease)
        } catch {
            logger.debug("reading the local server failed", metadata: ["error": "\(error)"])
            return InstanceReading(postgres: nil, fenced: fenced, holdsLease: holdsLease)
        }
    }

    /// With a drain: the rules first (no new client gets in), then the clients get `drain` to
    /// finish, then the shell's fence terminates whoever is left. The hold is placed before
    /// the rules change, so the election cannot lift them meanwhile.
    public func fence(drain: Duration) async throws {
        if drain > .zero {
            await shell.holdFenceForSatellite()
            do {
                if try PostgresFence.fenceFile(at: settings.hbaFile) {
                    try await withSession { try await $0.reloadConfiguration() }
                }
                try await waitForClients(until: clock.now() + drain)
            } catch let error as PostgresError where error.isConnectionFailure {
                // A server that is down has no clients to drain: the fenced file is what counts.
                logger.debug("no server to drain", metadata: ["error": "\(error)"])
            }
        }
        try await shell.fenceForSatellite()
    }

    func waitForClients(until deadline: MonotonicInstant) async throws {
        try await withSession { session in
            while clock.now() < deadline {
                let row = try await session.query(
                    """
                    SELECT count(*) AS clients FROM pg_stat_activity
                    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                      AND application_name NOT LIKE 'pg-swarm%'
                    """
                ).singleRow()
                if try row?.decode(Int.self, "clients") ?? 0 == 0 { return }
                try await clock.sleep(until: min(deadline, clock.now() + Self.drainPollInterval))
            }
        }
    }

    public func unfence() async throws {
        try await shell.unfenceForSatellite()
    }

    public func checkpoint() async throws {
        try await withSession { try await $0.checkpoint() }
    }

    /// pg_promote(), then a CHECKPOINT (as the election does: pg_rewind on the peers reads the
    /// new timeline from pg_control). The election promotes its lease holder by itself too: if
    /// it won the race, recovery is already over, which is this command's outcome as well.
    public func promote(wait: Duration) async throws {
        try await withSession { session in
            do {
                let seconds = Int(max(1, wait.components.seconds))
                guard try await session.promote(wait: true, waitSeconds: seconds) else {
                    throw LocalNodeError.promotionUnfinished
                }
            } catch let error as PostgresError where error.sqlState == .objectNotInPrerequisiteState {
                guard try await !session.nodeStatus().inRecovery else { throw error }
            }
            try await session.checkpoint()
        }
    }

    public func reloadConfiguration() async throws {
        try await withSession { try await $0.reloadConfiguration() }
    }

    public func createDatabase(_ request: DatabaseRequest) async throws {
        try await withSession { session in
            try await DatabaseProvisioning.ensureRole(request, on: session)
            try await DatabaseProvisioning.ensureDatabase(request, on: session)
        }
    }

    public func setLogLevel(_ level: Logger.Level) {
        levels.level = level
        logger.notice("log level changed by the satellite", metadata: ["log.level": "\(level)"])
    }
}
