import ArgumentParser
import DaemonSupport
import FoundationEssentials
import Logging
import Postgres
import Supervisor

extension FailoverSidecar {
    /// The postgres container's entrypoint: keeps PostgreSQL running as its child and carries out
    /// the sidecar's requests (bootstrap, demote, rewind, rebuild) over a Unix socket.
    struct Supervise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run PostgreSQL under supervision (the postgres container's entrypoint).")

        @Option(help: "The data volume: holds pgdata/, conf/ and pg-swarm's markers.")
        var volumeRoot: String = "/var/lib/postgresql/data"

        @Option(help: "The cluster's configuration (postgresql.conf, pg_hba.conf), usually a ConfigMap.")
        var templateDirectory: String = "/etc/pg-swarm/config"

        @Option(help: "Directory for PostgreSQL's and the control socket, shared with the sidecar.")
        var socketDirectory: String = "/var/run/postgresql"

        @Option(help: "This pod's name (also the standby's application_name). Env: POD_NAME.")
        var nodeName: String?

        @Option(help: "PostgreSQL port.")
        var port: Int = 5432

        @Option(help: "Addresses PostgreSQL listens on.")
        var listenAddresses: String = "*"

        @Option(help: "Role used for streaming replication.")
        var replicationUser: String = "replicator"

        @Option(help: "Run PostgreSQL and its tools as this user (only when started as root).")
        var runAs: String?

        @Option(help: "Seconds a primary waits on SIGTERM for the sidecar's handover before stopping.")
        var shutdownGrace: Double = 10

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        func run() async throws {
            guard let name = setting(nodeName, environment: "POD_NAME") else {
                throw ValidationError("missing required setting: --node-name or POD_NAME")
            }
            guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1-65535") }
            guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must not be negative") }
            bootstrapLogging(level: logLevel)
            let environment = ProcessInfo.processInfo.environment
            let configuration = SupervisorConfiguration(
                volumeRoot: volumeRoot, templateDirectory: templateDirectory, socketDirectory: socketDirectory,
                nodeName: name, port: port, listenAddresses: listenAddresses,
                superuserPassword: environment["POSTGRES_PASSWORD"], replicationUser: replicationUser,
                replicationPassword: environment["REPLICATION_PASSWORD"], tools: PostgresTools(user: runAs))
            let logger = Logger(label: "supervisor")
            let supervisor = Supervisor(configuration: configuration, logger: logger)
            let control = try ControlServer(
                path: configuration.controlSocketPath, supervisor: supervisor, logger: logger)
            let signals = signalStream()
            let serving = Task { await control.run() }
            await supervisor.boot()
            for await signal in signals {
                logger.notice("stopping", metadata: ["signal": "\(signal)"])
                break
            }
            await supervisor.shutdown(grace: .milliseconds(Int(shutdownGrace * 1000)))
            control.close()
            serving.cancel()
        }
    }
}
