import ArgumentParser
import DaemonSupport
import Logging
import Postgres

/// central: the control plane (REST API, dashboard, gRPC for satellites, metadata store).
struct Central: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "pg-swarm control plane: REST API, dashboard and gRPC endpoint for satellites.",
        discussion: """
            Every flag can also be given through the environment variable named in its help.
            The metadata store is a PostgreSQL database (DATABASE_URL).
            """)

    @Option(help: "PostgreSQL URL or conninfo of the metadata store. Env: DATABASE_URL.")
    var databaseURL: String?

    @Option(help: "Address for REST, dashboard and metrics. Env: PGSWARM_HTTP_ADDRESS.")
    var httpAddress: String?

    @Option(help: "Address for the satellites' gRPC connections. Env: PGSWARM_GRPC_ADDRESS.")
    var grpcAddress: String?

    @Option(help: "Seconds to wait for the metadata store at start.")
    var databaseTimeout: Double = 10

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    var resolvedDatabaseURL: String { setting(databaseURL, environment: "DATABASE_URL") ?? "" }

    /// Checked in `run()`, after parsing, so an unknown flag is reported as such first.
    func checkSettings() throws {
        guard setting(databaseURL, environment: "DATABASE_URL") != nil else {
            throw ValidationError("missing required setting: --database-url or DATABASE_URL")
        }
        for (flag, value, variable) in [
            ("--http-address", httpAddress, "PGSWARM_HTTP_ADDRESS"),
            ("--grpc-address", grpcAddress, "PGSWARM_GRPC_ADDRESS"),
        ] {
            if let text = setting(value, environment: variable), HostPort(argument: text) == nil {
                throw ValidationError("\(flag) must be host:port, got '\(text)'")
            }
        }
        guard databaseTimeout > 0 else { throw ValidationError("--database-timeout must be positive") }
    }

    func run() async throws {
        try checkSettings()
        bootstrapLogging(level: logLevel)
        let logger = Logger(label: "central")
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(
                connectionString: resolvedDatabaseURL, connectTimeout: databaseTimeout,
                applicationName: "pg-swarm-central"))
        let version = await connection.serverVersion
        logger.notice("metadata store reachable", metadata: ["pg.server_version": "\(version)"])
        await connection.close()
        throw ValidationError("the REST and gRPC servers are not built yet (issue #6); configuration is valid")
    }
}

await runCommandLine(Central.self, name: "central")
