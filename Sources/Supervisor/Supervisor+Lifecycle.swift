import FoundationEssentials
import ChildProcesses
import Logging
import Postgres

extension Supervisor {
    /// Renders the configuration and starts the postmaster, returning once it accepts connections.
    func startServer() async throws {
        guard server == nil || server?.child.exitStatus != nil else { return }
        try renderConfiguration()
        state = .starting
        let process = try PostgresServerProcess.spawn(configuration)
        server = process
        generation += 1
        let watched = generation
        Task { [weak self] in
            let exit = await process.child.waitForExit()
            await self?.serverExited(generation: watched, status: "\(exit)")
        }
        guard await process.waitUntilReady(configuration, timeout: .seconds(120)) else {
            let tail = files.read(configuration.logPath).map { String($0.suffix(1500)) } ?? ""
            throw SupervisorError.failed("PostgreSQL did not accept connections; log tail:\n\(tail)")
        }
        if state == .starting { state = .running }
        logger.info(
            "PostgreSQL running", metadata: ["pg.pid": "\(process.pid)", "pg.standby": "\(files.inspect().isStandby)"])
    }

    /// Stops the postmaster on purpose (its exit does not count as a crash).
    func stopServer() async {
        guard let server else { return }
        generation += 1
        await server.stop(timeout: .seconds(30))
        self.server = nil
        if state != .shuttingDown { state = .stopped }
    }

    /// An exit nobody asked for: restart in place after the crash policy's delay.
    func serverExited(generation watched: Int, status: String) async {
        guard watched == generation, let process = server else { return }
        let uptime = ContinuousClock.now - process.startedAt
        let seconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        fastExits = configuration.crashPolicy.fastExits(after: fastExits, uptime: seconds)
        restarts += 1
        lastExit = status
        server = nil
        logger.warning(
            "PostgreSQL exited; restarting in place",
            metadata: ["pg.exit": "\(status)", "restart.fast_exits": "\(fastExits)"])
        await restartAfterCrash()
    }

    /// Restarts on the crash policy's schedule until a start succeeds or someone else takes over
    /// (a command, a shutdown). A crash loop is reported in the status, never given up on: the
    /// sidecar decides what else to do (release the lease, ask for a rebuild).
    func restartAfterCrash() async {
        state = .restarting
        let ticket = generation
        let delay = configuration.crashPolicy.restartDelay(fastExits: max(1, fastExits))
        try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        guard ticket == generation, state == .restarting, operation == nil else { return }
        do {
            try await startServer()
        } catch {
            record(error, "restart failed")
            // If the new postmaster died, its exit watcher takes over; if none was spawned, retry.
            if server == nil {
                fastExits += 1
                await restartAfterCrash()
            }
        }
    }

    /// Writes conf/postgresql.conf and conf/pg_hba.conf (the template's rules). The rules stay
    /// fenced if they are now (only the sidecar lifts a fence), and a cluster that is not a
    /// standby is fenced unless the watchdog's deadline still runs: a primary that crashed while
    /// its sidecar held a fresh lease comes back writable at once, any other comes back fenced.
    func renderConfiguration() throws {
        let isStandby = files.inspect().isStandby
        try files.write(
            ConfigurationFiles.postgresqlConf(configuration, source: isStandby ? source : nil),
            to: configuration.configDirectory + "/postgresql.conf")
        let template = files.read(configuration.templateDirectory + "/pg_hba.conf") ?? ""
        let fencedNow = files.read(configuration.hbaPath).map(HBAFence.isFenced) ?? false
        let fenced = fencedNow || (!isStandby && !watchdog.allowsWrites(now: .now))
        try files.write(ConfigurationFiles.hba(template: template, fenced: fenced), to: configuration.hbaPath)
    }

    func writePasswordFile() throws {
        guard let password = configuration.replicationPassword else { return }
        try files.write(
            ConfigurationFiles.pgpassLine(user: configuration.replicationUser, password: password),
            to: configuration.passwordFile)
    }

    func loadSource() -> SourceServer? {
        guard let text = files.read(configuration.volumeRoot + "/.pg-swarm-source") else { return nil }
        return try? JSONDecoder().decode(SourceServer.self, from: Data(text.utf8))
    }

    func saveSource(_ upstream: SourceServer) throws {
        source = upstream
        let data = try JSONEncoder().encode(upstream)
        try files.write(String(decoding: data, as: UTF8.self), to: configuration.volumeRoot + "/.pg-swarm-source")
    }

    /// Opens a superuser session over the Unix socket.
    func localSession() async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            PostgresConfiguration(
                connectionString: configuration.localConninfo, connectTimeout: 5, queryTimeout: 30,
                applicationName: "pg-swarm-supervisor"))
    }
}
