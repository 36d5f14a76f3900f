extension PostgresConnection {
    /// Forces a checkpoint (before a switchover it shortens the old primary's shutdown).
    public nonisolated func checkpoint() async throws {
        _ = try await query("CHECKPOINT")
    }

    /// Promotes this standby and, with `wait`, returns only once it accepts writes (or throws
    /// after `waitSeconds`). Returns false if PostgreSQL reports the promotion did not finish.
    ///
    /// pg_control shows the new timeline only after the next checkpoint, and pg_rewind reads the
    /// source's timeline from there: run `checkpoint()` after promoting before others rewind.
    @discardableResult
    public nonisolated func promote(wait: Bool = true, waitSeconds: Int = 60) async throws -> Bool {
        let row = try await query("SELECT pg_promote(\(wait), \(Int32(clamping: waitSeconds))) AS promoted").singleRow()
        return try row?.decode(Bool.self, "promoted") ?? false
    }

    /// Terminates every client session except this one, waiting up to `waitMilliseconds` for each
    /// to exit. Replication (walsender) and background processes are left alone. Returns how many
    /// sessions were terminated.
    @discardableResult
    public nonisolated func terminateClientBackends(waitMilliseconds: Int = 5000) async throws -> Int {
        let row = try await query(
            """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, \(waitMilliseconds))) AS terminated
            FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            """
        ).singleRow()
        return try row?.decode(Int.self, "terminated") ?? 0
    }

    /// Asks the postmaster to re-read its configuration files and waits until this session has
    /// seen the reload (its `pg_conf_load_time()` moved). The postmaster signals its children from
    /// inside its SIGHUP handler and re-reads pg_hba.conf before leaving it, and it accepts no
    /// connection while in the handler, so every connection accepted after this returns is checked
    /// against the new pg_hba.conf. Throws if that takes longer than `timeoutSeconds`.
    public nonisolated func reloadConfiguration(timeoutSeconds: Double = 5) async throws {
        let before = try await query("SELECT pg_conf_load_time()::text AS loaded").singleRow()?.decode(
            String.self, "loaded")
        _ = try await query("SELECT pg_reload_conf()")
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(timeoutSeconds * 1000)))
        while clock.now < deadline {
            let now = try await query("SELECT pg_conf_load_time()::text AS loaded").singleRow()?.decode(
                String.self, "loaded")
            if now != before { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw PostgresError.queryTimeout(seconds: timeoutSeconds)
    }

    /// `SHOW <setting>` for a server setting, e.g. `hba_file`.
    public nonisolated func setting(_ name: String) async throws -> String {
        let row = try await query("SELECT current_setting(\(name)) AS value").singleRow()
        guard let value = try row?.decode(String.self, "value") else {
            throw PostgresError.decoding(column: "value", message: "no value for setting \(name)")
        }
        return value
    }
}
