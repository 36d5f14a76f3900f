import ArgumentParser
import DaemonSupport
import Logging

/// satellite: one per edge Kubernetes cluster; dials out to central and runs the operator.
struct Satellite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satellite",
        abstract: "pg-swarm edge agent: connects out to central and manages PostgreSQL clusters in this cluster.")

    @Option(help: "central's gRPC address (host:port). Env: PGSWARM_CENTRAL_ADDRESS.")
    var centralAddress: String?

    @Option(help: "Name this edge cluster registers under. Env: PGSWARM_SATELLITE_NAME.")
    var name: String?

    @Option(help: "Labels for deployment rules, key=value (repeatable).")
    var label: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Checked in `run()`, after parsing, so an unknown flag is reported as such first.
    func checkSettings() throws {
        guard let address = setting(centralAddress, environment: "PGSWARM_CENTRAL_ADDRESS") else {
            throw ValidationError("missing required setting: --central-address or PGSWARM_CENTRAL_ADDRESS")
        }
        guard HostPort(argument: address) != nil else {
            throw ValidationError("--central-address must be host:port, got '\(address)'")
        }
        guard setting(name, environment: "PGSWARM_SATELLITE_NAME") != nil else {
            throw ValidationError("missing required setting: --name or PGSWARM_SATELLITE_NAME")
        }
        for entry in label {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--label must be key=value, got '\(entry)'")
            }
        }
    }

    func run() async throws {
        try checkSettings()
        bootstrapLogging(level: logLevel)
        throw ValidationError("the edge link and operator are not built yet (issues #3, #4); configuration is valid")
    }
}

await runCommandLine(Satellite.self, name: "satellite")
