import FoundationEssentials
import ChildProcesses
public import Logging
import Postgres

/// Keeps PostgreSQL running as a child of the postgres container's main process and carries out
/// the sidecar's requests that need this container's files and processes: bootstrap, demotion to
/// a standby (re-point, pg_rewind, or a fresh base backup), restart in place, reload.
///
/// PostgreSQL restarts in place after a crash (no container restart). A cluster that is not a
/// standby always starts fenced: only the sidecar, holding a fresh lease, lifts the fence, so a
/// node that was primary before a restart can never take writes while another node leads.
public actor Supervisor {
    let configuration: SupervisorConfiguration
    let files: VolumeFiles
    let logger: Logger

    var state: SupervisorStatus.State = .stopped
    var server: PostgresServerProcess?
    /// Bumped at every spawn; an exit watcher acts only for the generation it watches.
    var generation = 0
    var fastExits = 0
    var restarts = 0
    var lastExit: String?
    var lastError: String?
    /// The long operation in progress; mutating commands are refused while one runs.
    var operation: String?
    var source: SourceServer?
    var shutdownReleased = false
    var watchdog = Watchdog()
    var watchdogTimer: Task<Void, Never>?
    var watchdogStops = 0
    var lastFollow: FollowOutcome?

    public init(configuration: SupervisorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.files = VolumeFiles(configuration: configuration)
        self.logger = logger
    }

    public func status() -> SupervisorStatus {
        SupervisorStatus(
            state: state, pid: server?.child.exitStatus == nil ? server?.pid : nil,
            isStandby: files.inspect().isStandby, fastExits: fastExits,
            isCrashLooping: configuration.crashPolicy.isCrashLooping(fastExits: fastExits), restarts: restarts,
            lastExit: lastExit, operation: operation, lastError: lastError, source: source,
            watchdogDeadline: watchdog.deadline, watchdogStops: watchdogStops, lastFollow: lastFollow)
    }

    /// First step after the process starts: start the cluster on the volume, or wait for the
    /// sidecar's directive when there is none.
    public func boot() async {
        do {
            try files.ensureDirectories()
            try writePasswordFile()
            source = loadSource()
            try await apply(BootPlanner.plan(volume: files.inspect(), directive: nil))
        } catch {
            record(error, "boot failed")
        }
    }

    /// Carries out one command from the control socket.
    public func handle(_ command: SupervisorCommand) async -> (error: String?, status: SupervisorStatus) {
        do {
            switch command {
            case .status:
                break
            case .bootstrap(let directive):
                try await runExclusive("bootstrap") {
                    guard state == .awaitingDirective || state == .stopped else {
                        throw SupervisorError.notAllowed("already has a cluster (state \(state.rawValue))")
                    }
                    try await apply(BootPlanner.plan(volume: files.inspect(), directive: directive))
                }
            case .follow(let upstream):
                try await runExclusive("follow \(upstream.host):\(upstream.port)") {
                    lastFollow = nil
                    lastFollow = try await follow(upstream)
                }
            case .restart:
                // A crash restart already under way answers the request (a second restart would
                // stop the server that just came back).
                guard state != .restarting && state != .starting else { break }
                try await runExclusive("restart") {
                    guard state != .awaitingDirective, files.inspect().hasCluster else {
                        throw SupervisorError.notAllowed("no cluster on this volume to restart")
                    }
                    await stopServer()
                    try await startServer()
                }
            case .reloadConfiguration:
                try renderConfiguration()
                server?.reload()
            case .releaseShutdown:
                shutdownReleased = true
            case .watchdog(let writableUntil):
                await applyWatchdog(watchdog.set(writableUntil: writableUntil, now: .now))
            }
            return (nil, status())
        } catch {
            record(error, "command failed")
            return ("\(error)", status())
        }
    }

    /// SIGTERM: a running primary waits (up to `grace`) for the sidecar to finish its handover,
    /// then PostgreSQL stops with a fast shutdown. With no server running (still waiting for a
    /// bootstrap directive, or crashed) there is nothing to hand over: it stops at once.
    public func shutdown(grace: Duration) async {
        let volume = files.inspect()
        let isPrimary = server != nil && volume.hasCluster && !volume.isStandby
        state = .shuttingDown
        let deadline = ContinuousClock.now + grace
        while isPrimary, !shutdownReleased, ContinuousClock.now < deadline {
            // A cancelled shutdown stops waiting (a swallowed cancellation would spin here).
            do { try await Task.sleep(for: .milliseconds(50)) } catch { break }
        }
        await stopServer()
        watchdogTimer?.cancel()
        state = .stopped
    }

    // MARK: Operations

    func apply(_ plan: BootPlan) async throws {
        switch plan {
        case .start:
            try await startServer()
        case .awaitDirective(let reason):
            state = .awaitingDirective
            logger.notice("waiting for a bootstrap directive", metadata: ["reason": "\(reason)"])
        case .initialize:
            try await initializeCluster()
        case .clone(let upstream):
            try await rebuild(from: upstream)
        case .refuse(let reason):
            state = .awaitingDirective
            throw SupervisorError.notAllowed(reason)
        }
    }

    /// Runs `body` unless another long operation is in progress.
    func runExclusive(_ name: String, _ body: () async throws -> Void) async throws {
        if let operation { throw SupervisorError.busy(operation: operation) }
        operation = name
        defer { operation = nil }
        lastError = nil
        try await body()
    }

    func record(_ error: any Error, _ message: Logger.Message) {
        lastError = "\(error)"
        logger.error(message, metadata: ["error": "\(error)"])
    }
}
