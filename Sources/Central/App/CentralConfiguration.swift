import Foundation
import HTTP1
public import Transport

/// Everything central needs to start, validated by the executable before `CentralApp.start`.
public struct CentralConfiguration: Sendable {
    /// libpq conninfo or URL of the metadata store (may contain a password: never logged).
    public var databaseURL: String
    public var httpHost: String = "0.0.0.0"
    public var httpPort: UInt16 = 8080
    /// HTTPS for the REST API and dashboard when set.
    public var httpTLS: TLSServerConfiguration?
    /// AES-256 key for database passwords at rest; nil refuses to store them.
    public var encryptionKey: [UInt8]?
    /// Largest accepted request body, in bytes.
    public var maximumBodyBytes: Int = 1024 * 1024
    /// Folder with the dashboard's static files; nil or missing serves a placeholder page.
    public var dashboardDirectory: String?
    /// Events older than this are deleted (hourly).
    public var eventRetention: Duration = .seconds(30 * 86_400)
    /// Serve /metrics without a bearer token.
    public var publicMetrics: Bool = false
    /// Sessions in the metadata-store pool.
    public var databaseConnections: Int = 8
    public var databaseConnectTimeout: Double = 10
    /// The satellites' gRPC endpoint; nil serves none (tests of the REST side).
    public var grpc: GRPCSettings?

    public init(databaseURL: String) {
        self.databaseURL = databaseURL
    }
}

/// Where and how central serves gRPC to satellites.
public struct GRPCSettings: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// h2c: only with `--grpc-plaintext` (development, or a mesh adding TLS).
        case plaintext
        /// The operator's certificate and key.
        case certificate(TLSServerConfiguration)
        /// A private CA central creates in `directory` at first start (see `DevelopmentCA`);
        /// the server certificate names `serverNames`.
        case developmentCA(directory: String, serverNames: [String])
    }

    public var host: String = "0.0.0.0"
    public var port: UInt16 = 9090
    public var security: Security
    /// Connections served at once: one per satellite plus a margin; each costs a descriptor
    /// (the process limit must be higher) and a few tens of KiB.
    public var maxConnections: Int = 20_000

    public init(security: Security) {
        self.security = security
    }
}
