/// One field that differs between two specs.
public struct SpecChange: Codable, Sendable, Equatable {
    public var path: String
    public var old: String
    public var new: String
}

/// How a spec change reaches a running cluster (see desired_state.proto ApplyStrategy).
public enum ApplyStrategy: String, Codable, Sendable, CaseIterable, Comparable {
    case noChange = "no_change"
    case scaleOnly = "scale_only"
    case reload
    case sequentialRestart = "sequential_restart"
    case fullRestart = "full_restart"
    case rejected

    private var rank: Int {
        switch self {
        case .noChange: return 0
        case .scaleOnly: return 1
        case .reload: return 2
        case .sequentialRestart: return 3
        case .fullRestart: return 4
        case .rejected: return 5
        }
    }

    public static func < (lhs: ApplyStrategy, rhs: ApplyStrategy) -> Bool { lhs.rank < rhs.rank }
}

/// The classified difference between a running spec and a proposed one.
public struct ChangeImpact: Codable, Sendable, Equatable {
    public var applyStrategy: ApplyStrategy
    public var reloadChanges: [SpecChange] = []
    public var sequentialChanges: [SpecChange] = []
    public var fullRestartChanges: [SpecChange] = []
    /// Changes that cannot be applied to an existing cluster (storage).
    public var immutableErrors: [String] = []
    public var scaleUp = false
    public var scaleDown = false

    enum CodingKeys: String, CodingKey {
        case applyStrategy = "apply_strategy"
        case reloadChanges = "reload_changes"
        case sequentialChanges = "sequential_changes"
        case fullRestartChanges = "full_restart_changes"
        case immutableErrors = "immutable_errors"
        case scaleUp = "scale_up"
        case scaleDown = "scale_down"
    }

    public var allChanges: [SpecChange] { fullRestartChanges + sequentialChanges + reloadChanges }

    /// `pg_params.work_mem: 4MB → 8MB; replicas: 1 → 3`, for profile version history.
    public var summary: String {
        var parts = allChanges.map { "\($0.path): \($0.old.isEmpty ? "∅" : $0.old) → \($0.new.isEmpty ? "∅" : $0.new)" }
        if scaleUp || scaleDown { parts.append("replicas changed") }
        parts += immutableErrors
        return parts.isEmpty ? "No change" : parts.joined(separator: "; ")
    }
}

/// Classifies spec changes from the parameter catalog. Pure: no I/O.
///
/// Parameters missing from the catalog are treated as needing a sequential restart: a restart
/// also applies a reloadable parameter, while a reload would silently not apply a
/// postmaster-level one (the Go original defaulted unknown parameters to reload).
public enum ChangeClassifier {
    public static func classify(from old: ClusterSpec, to new: ClusterSpec, catalog: [String: RestartMode])
        -> ChangeImpact
    {
        var impact = ChangeImpact(applyStrategy: .noChange)
        func record(_ path: String, _ before: String, _ after: String, _ mode: RestartMode) {
            guard before != after else { return }
            let change = SpecChange(path: path, old: before, new: after)
            switch mode {
            case .reload: impact.reloadChanges.append(change)
            case .sequentialRestart: impact.sequentialChanges.append(change)
            case .fullRestart: impact.fullRestartChanges.append(change)
            }
        }

        if new.replicas > old.replicas { impact.scaleUp = true }
        if new.replicas < old.replicas { impact.scaleDown = true }

        record("postgres.version", old.postgres.version, new.postgres.version, .fullRestart)
        record("postgres.variant", old.postgres.variant, new.postgres.variant, .fullRestart)
        record("postgres.registry", old.postgres.registry, new.postgres.registry, .fullRestart)
        record("postgres.image", old.postgres.image, new.postgres.image, .fullRestart)

        if old.storage != new.storage {
            impact.immutableErrors.append("storage cannot change after creation (size or storage class)")
        }
        if old.walStorage != new.walStorage {
            impact.immutableErrors.append("wal_storage cannot change after creation")
        }

        record("resources.cpu_request", old.resources.cpuRequest, new.resources.cpuRequest, .sequentialRestart)
        record("resources.cpu_limit", old.resources.cpuLimit, new.resources.cpuLimit, .sequentialRestart)
        record("resources.memory_request", old.resources.memoryRequest, new.resources.memoryRequest, .sequentialRestart)
        record("resources.memory_limit", old.resources.memoryLimit, new.resources.memoryLimit, .sequentialRestart)

        for name in Set(old.pgParams.keys).union(new.pgParams.keys).sorted() {
            record(
                "pg_params.\(name)", old.pgParams[name] ?? "", new.pgParams[name] ?? "",
                catalog[name] ?? .sequentialRestart)
        }

        if old.hbaRules != new.hbaRules {
            record("hba_rules", "\(old.hbaRules.count) rules", "\(new.hbaRules.count) rules (changed)", .reload)
        }

        record("archive.mode", old.archive.mode, new.archive.mode, .sequentialRestart)
        record("archive.archive_command", old.archive.archiveCommand, new.archive.archiveCommand, .reload)
        record("archive.restore_command", old.archive.restoreCommand, new.archive.restoreCommand, .reload)
        record(
            "archive.archive_timeout_seconds", "\(old.archive.archiveTimeoutSeconds)",
            "\(new.archive.archiveTimeoutSeconds)", .reload)
        record(
            "archive.credentials_secret_name", old.archive.credentialsSecretName,
            new.archive.credentialsSecretName, .sequentialRestart)

        // The sidecar container changes: every pod is recreated, one at a time.
        let failoverFields: [(String, String, String)] = [
            ("enabled", "\(old.failover.enabled)", "\(new.failover.enabled)"),
            ("sidecar_image", old.failover.sidecarImage, new.failover.sidecarImage),
            ("lease_duration_seconds", "\(old.failover.leaseDurationSeconds)", "\(new.failover.leaseDurationSeconds)"),
            ("renew_deadline_ms", "\(old.failover.renewDeadlineMs)", "\(new.failover.renewDeadlineMs)"),
            ("retry_period_ms", "\(old.failover.retryPeriodMs)", "\(new.failover.retryPeriodMs)"),
            (
                "maximum_lag_on_failover_bytes", old.failover.maximumLagOnFailoverBytes.map(String.init) ?? "",
                new.failover.maximumLagOnFailoverBytes.map(String.init) ?? ""
            ),
            ("synchronous_mode", old.failover.synchronousMode, new.failover.synchronousMode),
            ("synchronous_node_count", "\(old.failover.synchronousNodeCount)", "\(new.failover.synchronousNodeCount)"),
            ("failsafe_mode", "\(old.failover.failsafeMode)", "\(new.failover.failsafeMode)"),
            (
                "primary_restart_timeout_seconds", "\(old.failover.primaryRestartTimeoutSeconds)",
                "\(new.failover.primaryRestartTimeoutSeconds)"
            ),
        ]
        for (field, before, after) in failoverFields {
            record("failover.\(field)", before, after, .sequentialRestart)
        }
        // Deletion protection only changes what happens at deletion: nothing restarts.
        record("deletion_protection", "\(old.deletionProtection)", "\(new.deletionProtection)", .reload)

        if !impact.immutableErrors.isEmpty {
            impact.applyStrategy = .rejected
        } else if !impact.fullRestartChanges.isEmpty {
            impact.applyStrategy = .fullRestart
        } else if !impact.sequentialChanges.isEmpty {
            impact.applyStrategy = .sequentialRestart
        } else if !impact.reloadChanges.isEmpty {
            impact.applyStrategy = .reload
        } else if impact.scaleUp || impact.scaleDown {
            impact.applyStrategy = .scaleOnly
        }
        return impact
    }
}
