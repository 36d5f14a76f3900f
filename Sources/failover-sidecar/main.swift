import ArgumentParser
import DaemonSupport
import Logging

/// failover-sidecar: runs beside each PostgreSQL pod (`run`) and as its supervisor (`supervise`).
struct FailoverSidecar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover-sidecar",
        abstract: "pg-swarm per-pod failover: Lease election, fencing, promotion and recovery.",
        subcommands: [Run.self, Supervise.self])
}

extension FailoverSidecar {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Elect the leader through the cluster's Lease and keep the local PostgreSQL in its role.")

        @Option(help: "This pod's name. Env: POD_NAME.")
        var podName: String?

        @Option(help: "This pod's namespace. Env: POD_NAMESPACE.")
        var podNamespace: String?

        @Option(help: "The PostgreSQL cluster's name (the Lease is <cluster>-leader). Env: CLUSTER_NAME.")
        var clusterName: String?

        @Option(help: "Seconds a lease stays valid after its last renewal.")
        var leaseDuration: Double = 15

        @Option(help: "Seconds the holder may go without renewing before it fences itself.")
        var renewDeadline: Double = 10

        @Option(help: "Seconds between election attempts.")
        var retryPeriod: Double = 2

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        /// Checked in `run()`, after parsing, so an unknown flag is reported as such first.
        func checkSettings() throws {
            for (flag, value, variable) in [
                ("--pod-name", podName, "POD_NAME"), ("--pod-namespace", podNamespace, "POD_NAMESPACE"),
                ("--cluster-name", clusterName, "CLUSTER_NAME"),
            ] where setting(value, environment: variable) == nil {
                throw ValidationError("missing required setting: \(flag) or \(variable)")
            }
            // client-go's rule: the holder must give up before anyone may take over.
            guard leaseDuration > renewDeadline else {
                throw ValidationError("--lease-duration must be greater than --renew-deadline")
            }
            guard renewDeadline > 1.2 * retryPeriod, retryPeriod > 0 else {
                throw ValidationError(
                    "--renew-deadline must be greater than 1.2 x --retry-period, which must be positive")
            }
        }

        func run() async throws {
            try checkSettings()
            bootstrapLogging(level: logLevel)
            throw ValidationError("the election loop is not built yet (issue #5); configuration is valid")
        }
    }
}

await runCommandLine(FailoverSidecar.self, name: "failover-sidecar")
