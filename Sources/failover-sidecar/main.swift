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

await runCommandLine(FailoverSidecar.self, name: "failover-sidecar")
