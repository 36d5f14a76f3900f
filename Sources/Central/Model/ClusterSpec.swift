/// Desired state of one PostgreSQL cluster as the REST API and the store see it (JSON, stored
/// as jsonb in `clusters.spec` and `profiles.spec`). `ClusterConfigBuilder` turns it into the
/// protobuf `ClusterConfig` a satellite receives.
///
/// Every field but `postgres.version` and `storage.size` has a default, so a minimal document
/// is small; decoding fills the defaults in, and encoding writes every field, so stored specs
/// are complete and diffs compare like with like.
public struct ClusterSpec: Codable, Sendable, Equatable {
    public var replicas: Int
    public var postgres: PostgresImageSpec
    public var storage: VolumeSpec
    public var walStorage: VolumeSpec?
    public var resources: ResourceSpec
    public var pgParams: [String: String]
    public var hbaRules: [HBARuleSpec]
    public var archive: ArchiveSpec
    public var failover: FailoverSpec
    public var deletionProtection: Bool

    public init(
        replicas: Int = 1, postgres: PostgresImageSpec, storage: VolumeSpec, walStorage: VolumeSpec? = nil,
        resources: ResourceSpec = ResourceSpec(), pgParams: [String: String] = [:], hbaRules: [HBARuleSpec] = [],
        archive: ArchiveSpec = ArchiveSpec(), failover: FailoverSpec = FailoverSpec(), deletionProtection: Bool = false
    ) {
        self.replicas = replicas
        self.postgres = postgres
        self.storage = storage
        self.walStorage = walStorage
        self.resources = resources
        self.pgParams = pgParams
        self.hbaRules = hbaRules
        self.archive = archive
        self.failover = failover
        self.deletionProtection = deletionProtection
    }

    enum CodingKeys: String, CodingKey {
        case replicas, postgres, storage, resources, archive, failover
        case walStorage = "wal_storage"
        case pgParams = "pg_params"
        case hbaRules = "hba_rules"
        case deletionProtection = "deletion_protection"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        postgres = try container.decode(PostgresImageSpec.self, forKey: .postgres)
        storage = try container.decode(VolumeSpec.self, forKey: .storage)
        walStorage = try container.decodeIfPresent(VolumeSpec.self, forKey: .walStorage)
        resources = try container.decodeIfPresent(ResourceSpec.self, forKey: .resources) ?? ResourceSpec()
        pgParams = try container.decodeIfPresent([String: String].self, forKey: .pgParams) ?? [:]
        hbaRules = try container.decodeIfPresent([HBARuleSpec].self, forKey: .hbaRules) ?? []
        archive = try container.decodeIfPresent(ArchiveSpec.self, forKey: .archive) ?? ArchiveSpec()
        failover = try container.decodeIfPresent(FailoverSpec.self, forKey: .failover) ?? FailoverSpec()
        deletionProtection = try container.decodeIfPresent(Bool.self, forKey: .deletionProtection) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(replicas, forKey: .replicas)
        try container.encode(postgres, forKey: .postgres)
        try container.encode(storage, forKey: .storage)
        try container.encodeIfPresent(walStorage, forKey: .walStorage)
        try container.encode(resources, forKey: .resources)
        try container.encode(pgParams, forKey: .pgParams)
        try container.encode(hbaRules, forKey: .hbaRules)
        try container.encode(archive, forKey: .archive)
        try container.encode(failover, forKey: .failover)
        try container.encode(deletionProtection, forKey: .deletionProtection)
    }
}

/// Which PostgreSQL image to run. Central resolves `version` + `variant` (+ `registry`) through
/// the versions catalog; `image` is used only when the pair is not in the catalog.
public struct PostgresImageSpec: Codable, Sendable, Equatable {
    public var version: String
    public var variant: String
    public var registry: String
    public var image: String

    public init(version: String, variant: String = "alpine", registry: String = "", image: String = "") {
        self.version = version
        self.variant = variant
        self.registry = registry
        self.image = image
    }

    enum CodingKeys: String, CodingKey { case version, variant, registry, image }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        variant = try container.decodeIfPresent(String.self, forKey: .variant) ?? "alpine"
        registry = try container.decodeIfPresent(String.self, forKey: .registry) ?? ""
        image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
    }
}

/// A persistent volume. `storageClass` may be `tier:<name>`, resolved per satellite.
public struct VolumeSpec: Codable, Sendable, Equatable {
    public var size: String
    public var storageClass: String

    public init(size: String, storageClass: String = "") {
        self.size = size
        self.storageClass = storageClass
    }

    enum CodingKeys: String, CodingKey {
        case size
        case storageClass = "storage_class"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        size = try container.decode(String.self, forKey: .size)
        storageClass = try container.decodeIfPresent(String.self, forKey: .storageClass) ?? ""
    }
}

/// Kubernetes quantities; empty means "not set".
public struct ResourceSpec: Codable, Sendable, Equatable {
    public var cpuRequest: String
    public var cpuLimit: String
    public var memoryRequest: String
    public var memoryLimit: String

    public init(cpuRequest: String = "", cpuLimit: String = "", memoryRequest: String = "", memoryLimit: String = "") {
        self.cpuRequest = cpuRequest
        self.cpuLimit = cpuLimit
        self.memoryRequest = memoryRequest
        self.memoryLimit = memoryLimit
    }

    enum CodingKeys: String, CodingKey {
        case cpuRequest = "cpu_request"
        case cpuLimit = "cpu_limit"
        case memoryRequest = "memory_request"
        case memoryLimit = "memory_limit"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cpuRequest = try container.decodeIfPresent(String.self, forKey: .cpuRequest) ?? ""
        cpuLimit = try container.decodeIfPresent(String.self, forKey: .cpuLimit) ?? ""
        memoryRequest = try container.decodeIfPresent(String.self, forKey: .memoryRequest) ?? ""
        memoryLimit = try container.decodeIfPresent(String.self, forKey: .memoryLimit) ?? ""
    }
}

/// One pg_hba.conf rule, structured (see config.proto HbaRule).
public struct HBARuleSpec: Codable, Sendable, Equatable {
    /// local, host, hostssl, hostnossl
    public var type: String
    public var databases: [String]
    public var users: [String]
    public var address: String
    /// scram-sha-256, md5, password, trust, reject, peer, cert
    public var method: String

    public init(type: String, databases: [String] = [], users: [String] = [], address: String = "", method: String) {
        self.type = type
        self.databases = databases
        self.users = users
        self.address = address
        self.method = method
    }

    enum CodingKeys: String, CodingKey { case type, databases, users, address, method }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        databases = try container.decodeIfPresent([String].self, forKey: .databases) ?? []
        users = try container.decodeIfPresent([String].self, forKey: .users) ?? []
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? ""
        method = try container.decode(String.self, forKey: .method)
    }

    public static let connectionTypes: Set<String> = ["local", "host", "hostssl", "hostnossl"]
    public static let methods: Set<String> = ["scram-sha-256", "md5", "password", "trust", "reject", "peer", "cert"]
}

/// WAL archiving with an administrator-supplied command. `mode` is "" (off) or "custom".
public struct ArchiveSpec: Codable, Sendable, Equatable {
    public var mode: String
    public var archiveCommand: String
    public var restoreCommand: String
    public var archiveTimeoutSeconds: Int
    public var credentialsSecretName: String

    public init(
        mode: String = "", archiveCommand: String = "", restoreCommand: String = "", archiveTimeoutSeconds: Int = 0,
        credentialsSecretName: String = ""
    ) {
        self.mode = mode
        self.archiveCommand = archiveCommand
        self.restoreCommand = restoreCommand
        self.archiveTimeoutSeconds = archiveTimeoutSeconds
        self.credentialsSecretName = credentialsSecretName
    }

    enum CodingKeys: String, CodingKey {
        case mode
        case archiveCommand = "archive_command"
        case restoreCommand = "restore_command"
        case archiveTimeoutSeconds = "archive_timeout_seconds"
        case credentialsSecretName = "credentials_secret_name"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mode = try container.decodeIfPresent(String.self, forKey: .mode) ?? ""
        archiveCommand = try container.decodeIfPresent(String.self, forKey: .archiveCommand) ?? ""
        restoreCommand = try container.decodeIfPresent(String.self, forKey: .restoreCommand) ?? ""
        archiveTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .archiveTimeoutSeconds) ?? 0
        credentialsSecretName = try container.decodeIfPresent(String.self, forKey: .credentialsSecretName) ?? ""
    }
}

/// Failover sidecar settings (see config.proto FailoverSpec); 0 selects the default.
public struct FailoverSpec: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var sidecarImage: String
    public var leaseDurationSeconds: Int
    public var renewDeadlineMs: Int
    public var retryPeriodMs: Int
    public var maximumLagOnFailoverBytes: Int?
    /// off, on, strict
    public var synchronousMode: String
    public var synchronousNodeCount: Int
    public var failsafeMode: Bool
    public var primaryRestartTimeoutSeconds: Int

    public init(
        enabled: Bool = true, sidecarImage: String = "", leaseDurationSeconds: Int = 0, renewDeadlineMs: Int = 0,
        retryPeriodMs: Int = 0, maximumLagOnFailoverBytes: Int? = nil, synchronousMode: String = "off",
        synchronousNodeCount: Int = 0, failsafeMode: Bool = false, primaryRestartTimeoutSeconds: Int = 0
    ) {
        self.enabled = enabled
        self.sidecarImage = sidecarImage
        self.leaseDurationSeconds = leaseDurationSeconds
        self.renewDeadlineMs = renewDeadlineMs
        self.retryPeriodMs = retryPeriodMs
        self.maximumLagOnFailoverBytes = maximumLagOnFailoverBytes
        self.synchronousMode = synchronousMode
        self.synchronousNodeCount = synchronousNodeCount
        self.failsafeMode = failsafeMode
        self.primaryRestartTimeoutSeconds = primaryRestartTimeoutSeconds
    }

    enum CodingKeys: String, CodingKey {
        case enabled
        case sidecarImage = "sidecar_image"
        case leaseDurationSeconds = "lease_duration_seconds"
        case renewDeadlineMs = "renew_deadline_ms"
        case retryPeriodMs = "retry_period_ms"
        case maximumLagOnFailoverBytes = "maximum_lag_on_failover_bytes"
        case synchronousMode = "synchronous_mode"
        case synchronousNodeCount = "synchronous_node_count"
        case failsafeMode = "failsafe_mode"
        case primaryRestartTimeoutSeconds = "primary_restart_timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        sidecarImage = try container.decodeIfPresent(String.self, forKey: .sidecarImage) ?? ""
        leaseDurationSeconds = try container.decodeIfPresent(Int.self, forKey: .leaseDurationSeconds) ?? 0
        renewDeadlineMs = try container.decodeIfPresent(Int.self, forKey: .renewDeadlineMs) ?? 0
        retryPeriodMs = try container.decodeIfPresent(Int.self, forKey: .retryPeriodMs) ?? 0
        maximumLagOnFailoverBytes = try container.decodeIfPresent(Int.self, forKey: .maximumLagOnFailoverBytes)
        synchronousMode = try container.decodeIfPresent(String.self, forKey: .synchronousMode) ?? "off"
        synchronousNodeCount = try container.decodeIfPresent(Int.self, forKey: .synchronousNodeCount) ?? 0
        failsafeMode = try container.decodeIfPresent(Bool.self, forKey: .failsafeMode) ?? false
        primaryRestartTimeoutSeconds =
            try container.decodeIfPresent(Int.self, forKey: .primaryRestartTimeoutSeconds) ?? 0
    }
}
