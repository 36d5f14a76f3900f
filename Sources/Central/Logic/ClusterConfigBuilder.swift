public import PGSwarmAPI

/// Builds the protobuf `ClusterConfig` a satellite receives from a stored cluster. Pure.
public enum ClusterConfigBuilder {
    /// A database with its decrypted password (only ever held in memory on the way to the stream).
    public struct DatabaseSecret: Sendable {
        public var database: ClusterDatabase
        public var password: String

        public init(database: ClusterDatabase, password: String) {
            self.database = database
            self.password = password
        }
    }

    public static func build(
        cluster: Cluster, image: String, databases: [DatabaseSecret], profileName: String,
        labelSelector: [String: String]
    ) -> Pgswarm_V1_ClusterConfig {
        let spec = cluster.spec
        var config = Pgswarm_V1_ClusterConfig()
        config.clusterName = cluster.name
        config.namespace = cluster.namespace
        config.replicas = Int32(spec.replicas)
        config.postgres.version = spec.postgres.version
        config.postgres.image = image
        config.storage = volume(spec.storage)
        if let wal = spec.walStorage { config.walStorage = volume(wal) }
        config.resources = resources(spec.resources)
        config.pgParams = spec.pgParams
        config.hbaRules = spec.hbaRules.map(hbaRule)
        config.configVersion = cluster.configVersion
        config.archive.mode = spec.archive.mode == "custom" ? .custom : .unspecified
        config.archive.archiveCommand = spec.archive.archiveCommand
        config.archive.restoreCommand = spec.archive.restoreCommand
        config.archive.archiveTimeoutSeconds = UInt32(clamping: spec.archive.archiveTimeoutSeconds)
        config.archive.credentialsSecretName = spec.archive.credentialsSecretName
        config.failover = failover(spec.failover)
        config.profileName = profileName
        config.labelSelector = labelSelector
        config.paused = cluster.paused
        config.deletionProtection = spec.deletionProtection
        config.databases = databases.map { secret in
            var database = Pgswarm_V1_ClusterDatabase()
            database.dbName = secret.database.dbName
            database.dbUser = secret.database.dbUser
            database.password = secret.password
            database.allowedCidrs = secret.database.allowedCIDRs
            return database
        }
        return config
    }

    static func volume(_ spec: VolumeSpec) -> Pgswarm_V1_StorageSpec {
        var volume = Pgswarm_V1_StorageSpec()
        volume.size = spec.size
        volume.storageClass = spec.storageClass
        return volume
    }

    static func resources(_ spec: ResourceSpec) -> Pgswarm_V1_ResourceSpec {
        var resources = Pgswarm_V1_ResourceSpec()
        resources.cpuRequest = spec.cpuRequest
        resources.cpuLimit = spec.cpuLimit
        resources.memoryRequest = spec.memoryRequest
        resources.memoryLimit = spec.memoryLimit
        return resources
    }

    static func hbaRule(_ spec: HBARuleSpec) -> Pgswarm_V1_HbaRule {
        var rule = Pgswarm_V1_HbaRule()
        switch spec.type {
        case "local": rule.type = .local
        case "hostssl": rule.type = .hostssl
        case "hostnossl": rule.type = .hostnossl
        default: rule.type = .host
        }
        switch spec.method {
        case "md5": rule.method = .md5
        case "password": rule.method = .password
        case "trust": rule.method = .trust
        case "reject": rule.method = .reject
        case "peer": rule.method = .peer
        case "cert": rule.method = .cert
        default: rule.method = .scramSha256
        }
        rule.databases = spec.databases
        rule.users = spec.users
        rule.address = spec.address
        return rule
    }

    static func failover(_ spec: FailoverSpec) -> Pgswarm_V1_FailoverSpec {
        var failover = Pgswarm_V1_FailoverSpec()
        failover.enabled = spec.enabled
        failover.sidecarImage = spec.sidecarImage
        failover.leaseDurationSeconds = UInt32(clamping: spec.leaseDurationSeconds)
        failover.renewDeadlineMs = UInt32(clamping: spec.renewDeadlineMs)
        failover.retryPeriodMs = UInt32(clamping: spec.retryPeriodMs)
        if let lag = spec.maximumLagOnFailoverBytes { failover.maximumLagOnFailoverBytes = UInt64(clamping: lag) }
        switch spec.synchronousMode {
        case "on": failover.synchronousMode = .on
        case "strict": failover.synchronousMode = .strict
        default: failover.synchronousMode = .unspecified
        }
        failover.synchronousNodeCount = UInt32(clamping: spec.synchronousNodeCount)
        failover.failsafeMode = spec.failsafeMode
        failover.primaryRestartTimeoutSeconds = UInt32(clamping: spec.primaryRestartTimeoutSeconds)
        return failover
    }
}
