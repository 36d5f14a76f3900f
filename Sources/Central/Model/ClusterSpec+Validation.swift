extension ClusterSpec {
    /// Parameters pg-swarm sets itself (where a user value would break replication, fencing or
    /// the pod layout) or that have their own field in the spec.
    public static let managedParameters: Set<String> = [
        "listen_addresses", "port", "data_directory", "hba_file", "ident_file", "config_file",
        "unix_socket_directories", "primary_conninfo", "primary_slot_name", "hot_standby", "archive_mode",
        "archive_command", "restore_command", "archive_timeout", "recovery_target_timeline", "cluster_name",
    ]

    /// Every rule the spec breaks, with `prefix` before each field path.
    public func validationIssues(prefix: String = "spec") -> [FieldIssue] {
        var check = Validator()
        check.check((1...15).contains(replicas), "\(prefix).replicas", "must be between 1 and 15")
        check.check(
            postgres.version.count <= 8 && !postgres.version.isEmpty
                && postgres.version.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
                    !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit)
                },
            "\(prefix).postgres.version", "must be a PostgreSQL version such as 17 or 17.2")
        check.check(
            Syntax.isDNSLabel(postgres.variant, maximumLength: 32), "\(prefix).postgres.variant",
            "must be a lowercase variant name such as alpine")
        check.check(
            postgres.registry.isEmpty || isImageReference(postgres.registry), "\(prefix).postgres.registry",
            "must be a registry host and optional path")
        check.check(
            postgres.image.isEmpty || isImageReference(postgres.image), "\(prefix).postgres.image",
            "must be an image reference")
        check.add(volumeIssues(storage, field: "\(prefix).storage"))
        if let walStorage { check.add(volumeIssues(walStorage, field: "\(prefix).wal_storage")) }
        for (name, value) in [
            ("cpu_request", resources.cpuRequest), ("cpu_limit", resources.cpuLimit),
            ("memory_request", resources.memoryRequest), ("memory_limit", resources.memoryLimit),
        ] {
            check.check(
                value.isEmpty || Syntax.isQuantity(value), "\(prefix).resources.\(name)",
                "must be a Kubernetes quantity such as 500m or 512Mi")
        }
        check.check(pgParams.count <= 200, "\(prefix).pg_params", "at most 200 parameters")
        for (name, value) in pgParams.sorted(by: { $0.key < $1.key }) {
            let field = "\(prefix).pg_params.\(name.prefix(64))"
            check.check(Syntax.isParameterName(name), field, "invalid parameter name")
            check.check(!Self.managedParameters.contains(name), field, "is managed by pg-swarm")
            check.check(
                Syntax.isSingleLine(value, maximumLength: 1024), field,
                "value must be a single line of at most 1024 bytes")
        }
        check.check(hbaRules.count <= 100, "\(prefix).hba_rules", "at most 100 rules")
        for (index, rule) in hbaRules.enumerated() {
            check.add(rule.validationIssues(field: "\(prefix).hba_rules[\(index)]"))
        }
        check.add(archiveIssues(field: "\(prefix).archive"))
        check.add(failoverIssues(field: "\(prefix).failover"))
        return check.issues
    }

    private func volumeIssues(_ volume: VolumeSpec, field: String) -> [FieldIssue] {
        var check = Validator()
        check.check(Syntax.isQuantity(volume.size), "\(field).size", "must be a Kubernetes quantity such as 10Gi")
        let storageClass = volume.storageClass
        if storageClass.hasPrefix("tier:") {
            check.check(
                Syntax.isResourceName(String(storageClass.dropFirst(5))), "\(field).storage_class",
                "tier:<name> needs a valid tier name")
        } else {
            check.check(
                storageClass.isEmpty || Syntax.isDNSSubdomain(storageClass), "\(field).storage_class",
                "must be a StorageClass name or tier:<name>")
        }
        return check.issues
    }

    private func archiveIssues(field: String) -> [FieldIssue] {
        var check = Validator()
        check.check(archive.mode == "" || archive.mode == "custom", "\(field).mode", "must be \"\" or \"custom\"")
        if archive.mode == "custom" {
            check.check(!archive.archiveCommand.isEmpty, "\(field).archive_command", "is required in custom mode")
        }
        check.check(
            Syntax.isSingleLine(archive.archiveCommand, maximumLength: 4096), "\(field).archive_command",
            "must be a single line")
        check.check(
            Syntax.isSingleLine(archive.restoreCommand, maximumLength: 4096), "\(field).restore_command",
            "must be a single line")
        check.check(
            (0...86_400).contains(archive.archiveTimeoutSeconds), "\(field).archive_timeout_seconds",
            "must be between 0 and 86400")
        check.check(
            archive.credentialsSecretName.isEmpty || Syntax.isDNSSubdomain(archive.credentialsSecretName),
            "\(field).credentials_secret_name", "must be a Secret name")
        return check.issues
    }

    private func failoverIssues(field: String) -> [FieldIssue] {
        var check = Validator()
        check.check(
            ["off", "on", "strict"].contains(failover.synchronousMode), "\(field).synchronous_mode",
            "must be off, on or strict")
        check.check(
            failover.sidecarImage.isEmpty || isImageReference(failover.sidecarImage), "\(field).sidecar_image",
            "must be an image reference")
        check.check((0...3600).contains(failover.leaseDurationSeconds), "\(field).lease_duration_seconds", "0 to 3600")
        check.check((0...3_600_000).contains(failover.renewDeadlineMs), "\(field).renew_deadline_ms", "0 to 3600000")
        check.check((0...3_600_000).contains(failover.retryPeriodMs), "\(field).retry_period_ms", "0 to 3600000")
        check.check(
            (0...15).contains(failover.synchronousNodeCount), "\(field).synchronous_node_count", "0 to 15")
        check.check(
            (0...3600).contains(failover.primaryRestartTimeoutSeconds), "\(field).primary_restart_timeout_seconds",
            "0 to 3600")
        check.check(
            (failover.maximumLagOnFailoverBytes ?? 0) >= 0, "\(field).maximum_lag_on_failover_bytes",
            "must not be negative")
        let lease = (failover.leaseDurationSeconds == 0 ? 15 : failover.leaseDurationSeconds) * 1000
        let renew = failover.renewDeadlineMs == 0 ? 10_000 : failover.renewDeadlineMs
        let retry = failover.retryPeriodMs == 0 ? 2000 : failover.retryPeriodMs
        check.check(
            retry < renew && renew < lease, field,
            "needs retry_period_ms < renew_deadline_ms < lease_duration_seconds x 1000")
        return check.issues
    }

    private func isImageReference(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 255
            && text.unicodeScalars.allSatisfy { Syntax.isAlnum($0) || "./:_@-".unicodeScalars.contains($0) }
    }
}

extension HBARuleSpec {
    func validationIssues(field: String) -> [FieldIssue] {
        var check = Validator()
        check.check(Self.connectionTypes.contains(type), "\(field).type", "must be local, host, hostssl or hostnossl")
        check.check(Self.methods.contains(method), "\(field).method", "unknown authentication method")
        for (list, name) in [(databases, "databases"), (users, "users")] {
            check.check(list.count <= 32, "\(field).\(name)", "at most 32 entries")
            check.check(
                list.allSatisfy(isHBAName), "\(field).\(name)",
                "entries are names or keywords (letters, digits, _ . - + @)")
        }
        if type == "local" {
            check.check(address.isEmpty, "\(field).address", "must be empty for local rules")
        } else {
            check.check(Syntax.isCIDR(address), "\(field).address", "must be a CIDR such as 10.0.0.0/8")
        }
        return check.issues
    }

    private func isHBAName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 63
            && text.unicodeScalars.allSatisfy { Syntax.isAlnum($0) || "_.-+@".unicodeScalars.contains($0) }
    }
}
