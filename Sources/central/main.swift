import ArgumentParser
import Central
import DaemonSupport
@preconcurrency import Dispatch
import Foundation
import Logging
import Transport

/// central: the control plane (REST API, dashboard, gRPC for satellites, metadata store).
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "pg-swarm control plane: REST API, dashboard and gRPC endpoint for satellites.",
        discussion: """
            Every flag can also be given through the environment variable named in its help.
            The metadata store is a PostgreSQL database (DATABASE_URL). The encryption key for
            secrets at rest is read from a file or PGSWARM_ENCRYPTION_KEY, never from the command
            line (other users can read a process's arguments).
            """)

    @Option(help: "PostgreSQL URL or conninfo of the metadata store. Env: DATABASE_URL.")
    var databaseURL: String?

    @Option(help: "Address for REST, dashboard and metrics (default 0.0.0.0:8080). Env: PGSWARM_HTTP_ADDRESS.")
    var httpAddress: String?

    @Option(help: "Address for the satellites' gRPC connections (default 0.0.0.0:9090). Env: PGSWARM_GRPC_ADDRESS.")
    var grpcAddress: String?

    @Option(help: "PEM certificate chain for TLS. Env: PGSWARM_TLS_CERT_FILE.")
    var tlsCertFile: String?

    @Option(help: "PEM private key for TLS. Env: PGSWARM_TLS_KEY_FILE.")
    var tlsKeyFile: String?

    @Flag(help: "Serve REST and the dashboard over HTTPS with --tls-cert-file/--tls-key-file.")
    var httpTLS = false

    @Flag(help: "Accept plaintext gRPC from satellites (development only; TLS is the default).")
    var grpcPlaintext = false

    @Option(
        help: """
            Folder for central's own files (default .data): without --tls-cert-file, the development CA for \
            gRPC TLS is created in <data-dir>/central-tls. Env: PGSWARM_DATA_DIR.
            """)
    var dataDir: String?

    @Option(
        help: """
            Extra DNS name or IP address in the development server certificate (repeatable; localhost, \
            loopback and the host name are always in it). Env: PGSWARM_TLS_SERVER_NAMES (comma-separated).
            """)
    var tlsServerName: [String] = []

    @Option(
        help:
            "File with the 64-hex-character AES-256 key for secrets at rest. Env: PGSWARM_ENCRYPTION_KEY_FILE (or the key itself in PGSWARM_ENCRYPTION_KEY)."
    )
    var encryptionKeyFile: String?

    @Option(help: "Largest accepted request body, in bytes.")
    var maxBodyBytes: Int = 1024 * 1024

    @Option(help: "Folder with the dashboard's static files. Env: PGSWARM_DASHBOARD_DIR.")
    var dashboardDir: String?

    @Option(help: "Days to keep events.")
    var eventRetentionDays: Int = 30

    @Flag(help: "Serve /metrics without a bearer token.")
    var publicMetrics = false

    @Option(help: "Seconds to wait for the metadata store at start.")
    var databaseTimeout: Double = 10

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Checked in `run()`, after parsing, so an unknown flag is reported as such first.
    func checkSettings() throws -> CentralConfiguration {
        guard let url = setting(databaseURL, environment: "DATABASE_URL") else {
            throw ValidationError("missing required setting: --database-url or DATABASE_URL")
        }
        var addresses: [String: HostPort] = [:]
        for (flag, value, variable, fallback) in [
            ("--http-address", httpAddress, "PGSWARM_HTTP_ADDRESS", "0.0.0.0:8080"),
            ("--grpc-address", grpcAddress, "PGSWARM_GRPC_ADDRESS", "0.0.0.0:9090"),
        ] {
            let text = setting(value, environment: variable) ?? fallback
            guard let address = HostPort(argument: text) else {
                throw ValidationError("\(flag) must be host:port, got '\(text)'")
            }
            addresses[flag] = address
        }
        guard databaseTimeout > 0 else { throw ValidationError("--database-timeout must be positive") }
        guard (1024...(64 * 1024 * 1024)).contains(maxBodyBytes) else {
            throw ValidationError("--max-body-bytes must be between 1024 and 67108864")
        }
        guard eventRetentionDays >= 1 else { throw ValidationError("--event-retention-days must be at least 1") }
        var configuration = CentralConfiguration(databaseURL: url)
        configuration.httpHost = addresses["--http-address"]!.host
        configuration.httpPort = UInt16(addresses["--http-address"]!.port)
        configuration.maximumBodyBytes = maxBodyBytes
        configuration.eventRetention = .seconds(eventRetentionDays * 86_400)
        configuration.publicMetrics = publicMetrics
        configuration.databaseConnectTimeout = databaseTimeout
        let certificate = setting(tlsCertFile, environment: "PGSWARM_TLS_CERT_FILE")
        let key = setting(tlsKeyFile, environment: "PGSWARM_TLS_KEY_FILE")
        guard (certificate == nil) == (key == nil) else {
            throw ValidationError("--tls-cert-file and --tls-key-file go together")
        }
        if httpTLS {
            guard let certificate, let key else {
                throw ValidationError("--http-tls needs --tls-cert-file and --tls-key-file")
            }
            configuration.httpTLS = TLSServerConfiguration(certificateChainFile: certificate, privateKeyFile: key)
        }
        configuration.grpc = try grpcSettings(address: addresses["--grpc-address"]!, certificate: certificate, key: key)
        configuration.encryptionKey = try loadEncryptionKey()
        let dashboard = setting(dashboardDir, environment: "PGSWARM_DASHBOARD_DIR") ?? "dashboard"
        configuration.dashboardDirectory = FileManager.default.fileExists(atPath: dashboard) ? dashboard : nil
        return configuration
    }

    /// TLS by default: the configured certificate, else central's development CA; plaintext only
    /// when asked for.
    func grpcSettings(address: HostPort, certificate: String?, key: String?) throws -> GRPCSettings {
        var settings: GRPCSettings
        if grpcPlaintext {
            settings = GRPCSettings(security: .plaintext)
        } else if let certificate, let key {
            settings = GRPCSettings(
                security: .certificate(TLSServerConfiguration(certificateChainFile: certificate, privateKeyFile: key)))
        } else {
            let dataDirectory = setting(dataDir, environment: "PGSWARM_DATA_DIR") ?? ".data"
            let fromEnvironment = (ProcessInfo.processInfo.environment["PGSWARM_TLS_SERVER_NAMES"] ?? "")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let names =
                DevelopmentCA.defaultServerNames(hostName: ProcessInfo.processInfo.hostName) + tlsServerName
                + fromEnvironment
            for name in names where !DevelopmentCA.isValidServerName(name) {
                throw ValidationError("--tls-server-name must be a DNS name or an IP address, got '\(name)'")
            }
            settings = GRPCSettings(
                security: .developmentCA(directory: dataDirectory + "/central-tls", serverNames: names))
        }
        settings.host = address.host
        settings.port = UInt16(address.port)
        return settings
    }

    func loadEncryptionKey() throws -> [UInt8]? {
        var text: String?
        if let path = setting(encryptionKeyFile, environment: "PGSWARM_ENCRYPTION_KEY_FILE") {
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read --encryption-key-file \(path)")
            }
            text = contents
        } else if let value = ProcessInfo.processInfo.environment["PGSWARM_ENCRYPTION_KEY"], !value.isEmpty {
            text = value
        }
        guard let text else { return nil }
        guard let key = [UInt8](hexString: text.filter { !$0.isWhitespace }), key.count == 32 else {
            throw ValidationError("the encryption key must be 64 hexadecimal characters (32 bytes)")
        }
        return key
    }

    func run() async throws {
        let configuration = try checkSettings()
        bootstrapLogging(level: logLevel)
        let logger = Logger(label: "pgswarm.central")
        if configuration.encryptionKey == nil {
            logger.warning("no encryption key configured: cluster database passwords cannot be stored")
        }
        let app = try await CentralApp.start(configuration, logger: logger)
        FileHandle.standardOutput.write(Data(app.startupBanner.utf8))
        let task = Task { await app.run() }
        let signals = SignalWaiter()
        await signals.wait()
        logger.notice("shutting down")
        task.cancel()
        await app.shutdown()
    }
}

/// Resolves on SIGINT or SIGTERM.
final class SignalWaiter: Sendable {
    nonisolated(unsafe) static var retained: [any DispatchSourceSignal] = []

    func wait() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stream = AsyncStream<Void> { continuation in
            let queue = DispatchQueue(label: "signals")
            let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
            for source in sources {
                source.setEventHandler { continuation.yield() }
                source.resume()
            }
            // Kept for the life of the process: shutdown follows the first signal anyway.
            SignalWaiter.retained = sources
        }
        for await _ in stream { return }
    }
}

OpenSSLLibrary.initialize()
await runCommandLine(CentralCommand.self, name: "central")
