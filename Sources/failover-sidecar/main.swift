import ArgumentParser
import CPosixShims
import DaemonSupport
import Logging

/// failover-sidecar: runs beside each PostgreSQL pod (`run`) and as its supervisor (`supervise`).
struct FailoverSidecar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover-sidecar",
        abstract: "pg-swarm per-pod failover: Lease election, fencing, promotion and recovery.",
        subcommands: [Run.self, Supervise.self])
}

// Runs in every PostgreSQL pod, twice (sidecar and supervisor): the relocation table the dynamic
// linker has finished with need not stay resident.
_ = pgswarm_release_relocation_table()

await runCommandLine(FailoverSidecar.self, name: "failover-sidecar")
