import ArgumentParser
import DaemonSupport
import Failover
import FoundationEssentials
import HTTP1
import Kube
import Logging
import Sidecar
import Supervisor
import TextBasics

extension FailoverSidecar {
    /// The failover sidecar: elects the primary through the cluster's Lease and keeps the local
    /// PostgreSQL (through its supervisor) in the role the election gives it.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Elect the leader through the cluster's Lease and keep the local PostgreSQL in its role.")

        @Option(help: "This pod's name; the lease holder identity. Env: POD_NAME.")
        var podName: String?

        @Option(help: "This pod's namespace (the Leases live there). Env: POD_NAMESPACE.")
        var podNamespace: String?

        @Option(help: "The PostgreSQL cluster's name (the Lease is <cluster>-leader). Env: CLUSTER_NAME.")
        var clusterName: String?

        @Option(help: "Seconds a lease stays valid after an observer last saw it change.")
        var leaseDuration: Double = 15

        @Option(help: "Seconds the holder may go without renewing before it fences itself.")
        var renewDeadline: Double = 10

        @Option(help: "Seconds between election cycles.")
        var retryPeriod: Double = 2

        @Option(help: "Seconds a fence may take; after that the supervisor's watchdog stops PostgreSQL.")
        var fenceTimeout: Double = 2

        @Option(help: "Bytes of WAL a replica may lag behind and still be promoted.")
        var maxLagOnFailover: Int = 1 << 20

        @Option(
            help: "Synchronous replication (on: no acknowledged commit is lost on failover). Env: SYNCHRONOUS_MODE.")
        var synchronousMode: String?

        @Option(
            help:
                "Failsafe mode: a primary cut off from the API server stays writable while every member confirms it. Env: FAILSAFE_MODE."
        )
        var failsafeMode: String?

        @Option(help: "Every member (pod name), comma-separated; needed by failsafe mode. Env: CLUSTER_MEMBERS.")
        var members: String?

        @Option(help: "Seconds the primary keeps its lease while PostgreSQL is down before releasing it.")
        var primaryRepairTimeout: Double = 30

        @Option(help: "Seconds a primary shutting down waits for its best replica to catch up.")
        var handoverTimeout: Double = 5

        @Option(help: "PostgreSQL's Unix socket directory (shared with the postgres container).")
        var postgresSocketDirectory: String = "/var/run/postgresql"

        @Option(help: "PostgreSQL's port.")
        var postgresPort: Int = 5432

        @Option(help: "Superuser for the local Unix-socket session.")
        var postgresUser: String = "postgres"

        @Option(help: "The pg_hba.conf PostgreSQL reads (the fence is written there).")
        var hbaFile: String = "/var/lib/postgresql/data/conf/pg_hba.conf"

        @Option(
            help: "The supervisor's control socket (default: <postgres-socket-directory>/pg-swarm-supervisor.sock).")
        var supervisorSocket: String?

        @Option(help: "Address peers use to reach this PostgreSQL (stream, pg_rewind). Env: POD_IP.")
        var advertiseHost: String?

        @Option(help: "Status port: /metrics, /status, /healthz, /failsafe.")
        var statusAddress: HostPort = HostPort(host: "0.0.0.0", port: 8008)

        @Option(help: "host:port peers use to reach the status port (default: <advertise-host>:<status port>).")
        var advertiseStatusAddress: String?

        @Option(help: "kubeconfig file in JSON form (default: in-cluster service account). Env: KUBECONFIG.")
        var kubeconfig: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        @Option(help: "Satellite stream host[:port] (port 9091 by default); unset: none. Env: SATELLITE_ADDRESS.")
        var satelliteAddress: String?

        @Option(help: "File with the cluster's sidecar stream token. Env: SIDECAR_STREAM_TOKEN_FILE.")
        var sidecarStreamTokenFile: String?

        @Option(help: "CA file of the satellite: TLS when set, plaintext otherwise. Env: SATELLITE_CA_FILE.")
        var satelliteCaFile: String?

        @Option(help: "Name the satellite certificate must carry (default: the host). Env: SATELLITE_TLS_NAME.")
        var satelliteTlsName: String?

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
            guard (1...65_535).contains(postgresPort) else { throw ValidationError("--postgres-port must be 1-65535") }
        }

        func mode<T: RawRepresentable<String>>(_ value: String?, _ variable: String, _ flag: String) throws -> T? {
            guard let text = setting(value, environment: variable) else { return nil }
            guard let mode = T(rawValue: text.lowercased()) else { throw ValidationError("\(flag) must be on or off") }
            return mode
        }

        func sidecarConfiguration() throws -> SidecarConfiguration {
            let pod = setting(podName, environment: "POD_NAME") ?? ""
            let cluster = setting(clusterName, environment: "CLUSTER_NAME") ?? ""
            let memberList = (setting(members, environment: "CLUSTER_MEMBERS") ?? "").split(separator: ",").map {
                String($0).trimmingWhitespace
            }.filter { !$0.isEmpty }
            let failover: FailoverConfiguration
            do {
                failover = try FailoverConfiguration(
                    identity: pod, leaseName: SidecarConfiguration.leaderLeaseName(cluster: cluster),
                    leaseDuration: .seconds(leaseDuration), renewDeadline: .seconds(renewDeadline),
                    retryPeriod: .seconds(retryPeriod), fenceTimeout: .seconds(fenceTimeout),
                    maxLagOnFailover: maxLagOnFailover,
                    synchronousMode: try mode(synchronousMode, "SYNCHRONOUS_MODE", "--synchronous-mode") ?? .off,
                    failsafeMode: try mode(failsafeMode, "FAILSAFE_MODE", "--failsafe-mode") ?? .off,
                    members: memberList, primaryRepairTimeout: .seconds(primaryRepairTimeout),
                    handoverTimeout: .seconds(handoverTimeout))
            } catch {
                throw ValidationError("\(error)")
            }
            let host = setting(advertiseHost, environment: "POD_IP") ?? pod
            do {
                return try SidecarConfiguration(
                    namespace: setting(podNamespace, environment: "POD_NAMESPACE") ?? "", clusterName: cluster,
                    failover: failover, advertisedPostgres: SourceServer(host: host, port: postgresPort),
                    advertisedStatusAddress: advertiseStatusAddress
                        ?? HostPort(host: host, port: statusAddress.port).description,
                    localPostgres: LocalPostgresSettings(
                        socketDirectory: postgresSocketDirectory, port: postgresPort, user: postgresUser,
                        hbaFile: hbaFile),
                    supervisorSocket: supervisorSocket ?? postgresSocketDirectory + "/pg-swarm-supervisor.sock")
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func kubeClient(logger: Logger) throws -> KubeClient {
            let configuration: KubeConfiguration
            if let path = setting(kubeconfig, environment: "KUBECONFIG") {
                configuration = try KubeConfiguration.kubeconfig(path: path)
            } else {
                configuration = try KubeConfiguration.inCluster()
            }
            return try KubeClient(configuration, options: KubeClientOptions(retry: .never), logger: logger)
        }

        func run() async throws {
            try checkSettings()
            let configuration = try sidecarConfiguration()
            let satellite = try satelliteSettings(configuration)
            let levels = LogLevelSwitch(logLevel)
            LoggingSystem.bootstrap { label in
                SwitchedLogHandler(StreamLogHandler.standardError(label: label), levels: levels)
            }
            let logger = Logger(label: "sidecar")
            let client = try kubeClient(logger: Logger(label: "kube"))
            let events = satellite.map { _ in
                EventOutbox(
                    subject: .init(
                        cluster: configuration.clusterName, namespace: configuration.namespace,
                        pod: configuration.podName))
            }
            let shell = SidecarShell(
                configuration: configuration,
                cluster: KubeClusterStore(client: client, configuration: configuration, logger: logger),
                node: SupervisedPostgres(
                    settings: configuration.localPostgres, supervisorSocket: configuration.supervisorSocket,
                    logger: logger),
                wallTime: { LeaseTimestamp(Timestamp(Date()).rfc3339Micro) }, events: events, logger: logger)
            let statistics = satellite.map { _ in SatelliteLinkStatistics() }
            let status = try await HTTPServer.bind(
                HTTPServer.Configuration(host: statusAddress.host, port: UInt16(statusAddress.port)),
                responder: StatusResponder(shell: shell, link: statistics, events: events),
                logger: Logger(label: "status"))
            let serving = Task { await status.run() }
            // Independent of the election: the shell never waits for it.
            var link: Task<Void, Never>?
            if let satellite, let statistics, let events {
                let stream = satelliteLink(
                    satellite, statistics: statistics, shell: shell, events: events, configuration: configuration,
                    levels: levels)
                link = Task { await stream.run() }
            }
            logger.notice(
                "sidecar starting",
                metadata: [
                    "member": "\(configuration.podName)", "lease.name": "\(configuration.leaderLeaseName)",
                    "status.address": "\(statusAddress)",
                ])
            let signals = Task {
                for await signal in signalStream() {
                    logger.notice("shutdown requested: handing over", metadata: ["signal": "\(signal)"])
                    await shell.requestShutdown()
                }
            }
            await shell.run()
            link?.cancel()
            signals.cancel()
            status.close()
            serving.cancel()
            client.shutdown()
        }
    }
}
