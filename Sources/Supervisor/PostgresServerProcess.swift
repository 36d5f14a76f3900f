import ChildProcesses
import FoundationEssentials
import Glibc
import Postgres

/// One run of the postmaster, as a child process in a session of its own.
struct PostgresServerProcess: Sendable {
    let child: ChildProcess
    let startedAt: ContinuousClock.Instant

    static func spawn(_ configuration: SupervisorConfiguration) throws -> PostgresServerProcess {
        let tools = configuration.tools
        let spec = ProcessSpec(
            executable: tools.path("postgres"), arguments: ["-D", configuration.configDirectory],
            environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": tools.binDirectory + ":/usr/bin:/bin"],
            newSession: true, output: .appendToFile(configuration.logPath), user: tools.user,
            // PostgreSQL's life is tied to the supervisor's: if the supervisor dies, even by
            // SIGKILL, nothing is left that would stop it at the watchdog's deadline.
            diesWithParent: true)
        return PostgresServerProcess(child: try ChildProcess.spawn(spec), startedAt: .now)
    }

    var pid: Int32 { child.pid }

    /// Waits until the server accepts connections on its Unix socket, or it exits, or `timeout`.
    func waitUntilReady(_ configuration: SupervisorConfiguration, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, child.exitStatus == nil {
            let settings = PostgresConfiguration(
                connectionString: configuration.localConninfo, connectTimeout: 2, applicationName: "pg-swarm-supervisor"
            )
            if let session = try? await PostgresConnection.connect(settings) {
                await session.close()
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Fast shutdown (SIGINT): disconnect clients, write a shutdown checkpoint. Escalates to an
    /// immediate shutdown (SIGQUIT) and then SIGKILL of the whole group if it takes too long.
    func stop(timeout: Duration) async {
        guard child.exitStatus == nil else { return }
        child.send(signal: SIGINT, toGroup: false)
        if await waitForExit(within: timeout) { return }
        child.send(signal: SIGQUIT, toGroup: false)
        if await waitForExit(within: .seconds(5)) { return }
        child.send(signal: SIGKILL)
        _ = await child.waitForExit()
    }

    /// Immediate shutdown (SIGQUIT: every backend exits at once, no checkpoint), then SIGKILL of
    /// the whole group if the postmaster has not exited within a second.
    func stopImmediately() async {
        guard child.exitStatus == nil else { return }
        child.send(signal: SIGQUIT, toGroup: false)
        if await waitForExit(within: .seconds(1)) { return }
        child.send(signal: SIGKILL)
        _ = await child.waitForExit()
    }

    /// Asks the postmaster to re-read its configuration files.
    func reload() {
        child.send(signal: SIGHUP, toGroup: false)
    }

    private func waitForExit(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if child.exitStatus != nil { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return child.exitStatus != nil
    }
}
