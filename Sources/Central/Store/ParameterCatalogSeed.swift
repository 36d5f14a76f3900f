import Foundation

/// The PostgreSQL parameters central knows at first start (migration 2), with their
/// `pg_settings.context`. The restart class follows from the context: `postmaster` parameters
/// need a restart (one instance at a time, replicas first), `wal_level` needs all instances
/// restarted together (replicas cannot run with a higher level than the primary's WAL allows),
/// everything else applies with a reload. Released migrations are never edited: change the
/// catalog through the API or a new migration.
enum ParameterCatalogSeed {
    struct Entry {
        let name: String
        let context: String
        let category: String
        let description: String

        var restartMode: String {
            if name == "wal_level" { return "full_restart" }
            return context == "postmaster" ? "sequential_restart" : "reload"
        }
    }

    static let entries: [Entry] = [
        // Connections
        Entry(
            name: "max_connections", context: "postmaster", category: "Connections",
            description: "Maximum number of concurrent connections."),
        Entry(
            name: "superuser_reserved_connections", context: "postmaster", category: "Connections",
            description: "Connection slots reserved for superusers."),
        Entry(
            name: "authentication_timeout", context: "sighup", category: "Connections",
            description: "Maximum time to complete client authentication."),
        Entry(
            name: "tcp_keepalives_idle", context: "user", category: "Connections",
            description: "Time between TCP keepalives on an idle connection."),
        Entry(
            name: "tcp_keepalives_interval", context: "user", category: "Connections",
            description: "Time between TCP keepalive retransmits."),
        Entry(
            name: "tcp_keepalives_count", context: "user", category: "Connections",
            description: "Maximum number of TCP keepalive retransmits."),
        Entry(name: "ssl", context: "sighup", category: "Connections", description: "Enables SSL connections."),
        Entry(
            name: "password_encryption", context: "user", category: "Connections",
            description: "Algorithm used to encrypt new passwords."),
        // Memory
        Entry(
            name: "shared_buffers", context: "postmaster", category: "Memory",
            description: "Memory used for shared data buffers."),
        Entry(name: "huge_pages", context: "postmaster", category: "Memory", description: "Use of huge memory pages."),
        Entry(
            name: "temp_buffers", context: "user", category: "Memory",
            description: "Maximum memory for temporary buffers per session."),
        Entry(
            name: "work_mem", context: "user", category: "Memory",
            description: "Memory for internal sort operations and hash tables before spilling to disk."),
        Entry(
            name: "hash_mem_multiplier", context: "user", category: "Memory",
            description: "Multiple of work_mem to use for hash tables."),
        Entry(
            name: "maintenance_work_mem", context: "user", category: "Memory",
            description: "Memory for maintenance operations such as VACUUM and CREATE INDEX."),
        Entry(
            name: "autovacuum_work_mem", context: "sighup", category: "Memory",
            description: "Memory used by each autovacuum worker."),
        Entry(
            name: "logical_decoding_work_mem", context: "user", category: "Memory",
            description: "Memory for logical decoding before spilling to disk."),
        Entry(
            name: "effective_cache_size", context: "user", category: "Memory",
            description: "Planner's assumption about the size of the disk cache."),
        Entry(name: "max_stack_depth", context: "superuser", category: "Memory", description: "Maximum stack depth."),
        Entry(
            name: "max_prepared_transactions", context: "postmaster", category: "Memory",
            description: "Maximum number of simultaneously prepared transactions."),
        Entry(
            name: "max_locks_per_transaction", context: "postmaster", category: "Memory",
            description: "Maximum number of locks per transaction."),
        Entry(
            name: "max_pred_locks_per_transaction", context: "postmaster", category: "Memory",
            description: "Maximum number of predicate locks per transaction."),
        Entry(
            name: "max_files_per_process", context: "postmaster", category: "Memory",
            description: "Maximum number of simultaneously open files per server process."),
        Entry(
            name: "temp_file_limit", context: "superuser", category: "Memory",
            description: "Maximum disk space for temporary files per process."),
        // Workers
        Entry(
            name: "max_worker_processes", context: "postmaster", category: "Workers",
            description: "Maximum number of background processes."),
        Entry(
            name: "max_parallel_workers", context: "user", category: "Workers",
            description: "Maximum number of parallel workers active at once."),
        Entry(
            name: "max_parallel_workers_per_gather", context: "user", category: "Workers",
            description: "Maximum parallel workers per executor node."),
        Entry(
            name: "max_parallel_maintenance_workers", context: "user", category: "Workers",
            description: "Maximum parallel workers per maintenance operation."),
        Entry(
            name: "effective_io_concurrency", context: "user", category: "Workers",
            description: "Number of simultaneous requests the disk subsystem can handle."),
        Entry(
            name: "maintenance_io_concurrency", context: "user", category: "Workers",
            description: "effective_io_concurrency for maintenance work."),
        // WAL
        Entry(
            name: "wal_level", context: "postmaster", category: "WAL",
            description: "How much information is written to the WAL."),
        Entry(
            name: "wal_log_hints", context: "postmaster", category: "WAL",
            description: "Writes full pages to WAL on hint-bit changes (needed by pg_rewind)."),
        Entry(
            name: "wal_buffers", context: "postmaster", category: "WAL",
            description: "Shared memory for WAL not yet written to disk."),
        Entry(
            name: "wal_compression", context: "superuser", category: "WAL",
            description: "Compresses full-page writes in WAL."),
        Entry(
            name: "wal_writer_delay", context: "sighup", category: "WAL",
            description: "Time between WAL flushes by the WAL writer."),
        Entry(
            name: "wal_writer_flush_after", context: "sighup", category: "WAL",
            description: "Amount of WAL written by the WAL writer that triggers a flush."),
        Entry(
            name: "synchronous_commit", context: "user", category: "WAL",
            description: "Synchronisation level of the current transaction."),
        Entry(
            name: "commit_delay", context: "superuser", category: "WAL",
            description: "Delay between commit and WAL flush, in microseconds."),
        Entry(
            name: "commit_siblings", context: "user", category: "WAL",
            description: "Minimum concurrent transactions before commit_delay applies."),
        Entry(
            name: "full_page_writes", context: "sighup", category: "WAL",
            description: "Writes full pages to WAL after each checkpoint."),
        Entry(
            name: "track_commit_timestamp", context: "postmaster", category: "WAL",
            description: "Records commit time of transactions."),
        Entry(
            name: "max_wal_size", context: "sighup", category: "WAL",
            description: "WAL size that triggers a checkpoint."),
        Entry(name: "min_wal_size", context: "sighup", category: "WAL", description: "WAL size to shrink to."),
        Entry(name: "wal_keep_size", context: "sighup", category: "WAL", description: "WAL kept for standby servers."),
        Entry(
            name: "max_slot_wal_keep_size", context: "sighup", category: "WAL",
            description: "Maximum WAL retained by replication slots."),
        // Checkpoints and background writer
        Entry(
            name: "checkpoint_timeout", context: "sighup", category: "Checkpoints",
            description: "Maximum time between automatic WAL checkpoints."),
        Entry(
            name: "checkpoint_completion_target", context: "sighup", category: "Checkpoints",
            description: "Fraction of the checkpoint interval to spread the checkpoint over."),
        Entry(
            name: "checkpoint_warning", context: "sighup", category: "Checkpoints",
            description: "Warns if checkpoints happen closer together than this."),
        Entry(
            name: "checkpoint_flush_after", context: "sighup", category: "Checkpoints",
            description: "Pages written by a checkpoint that trigger a flush."),
        Entry(
            name: "bgwriter_delay", context: "sighup", category: "Checkpoints",
            description: "Background writer sleep time between rounds."),
        Entry(
            name: "bgwriter_lru_maxpages", context: "sighup", category: "Checkpoints",
            description: "Maximum LRU pages the background writer flushes per round."),
        Entry(
            name: "bgwriter_lru_multiplier", context: "sighup", category: "Checkpoints",
            description: "Multiple of average buffer usage to free per round."),
        // Replication
        Entry(
            name: "max_wal_senders", context: "postmaster", category: "Replication",
            description: "Maximum number of simultaneously running WAL sender processes."),
        Entry(
            name: "max_replication_slots", context: "postmaster", category: "Replication",
            description: "Maximum number of replication slots."),
        Entry(
            name: "hot_standby_feedback", context: "sighup", category: "Replication",
            description: "Standbys report their oldest query to the primary to avoid conflicts."),
        Entry(
            name: "max_standby_streaming_delay", context: "sighup", category: "Replication",
            description: "Maximum delay before cancelling queries that conflict with streamed WAL."),
        Entry(
            name: "max_standby_archive_delay", context: "sighup", category: "Replication",
            description: "Maximum delay before cancelling queries that conflict with archived WAL."),
        Entry(
            name: "wal_receiver_status_interval", context: "sighup", category: "Replication",
            description: "Maximum interval between WAL receiver status reports."),
        Entry(
            name: "wal_receiver_timeout", context: "sighup", category: "Replication",
            description: "Time to wait for data from the primary before giving up."),
        Entry(
            name: "wal_sender_timeout", context: "user", category: "Replication",
            description: "Time to wait for WAL replication before terminating a sender."),
        Entry(
            name: "wal_retrieve_retry_interval", context: "sighup", category: "Replication",
            description: "Time to wait before retrying to retrieve WAL."),
        Entry(
            name: "recovery_min_apply_delay", context: "sighup", category: "Replication",
            description: "Delay applying WAL on a standby by this much."),
        Entry(
            name: "max_logical_replication_workers", context: "postmaster", category: "Replication",
            description: "Maximum number of logical replication workers."),
        Entry(
            name: "max_sync_workers_per_subscription", context: "sighup", category: "Replication",
            description: "Maximum table synchronisation workers per subscription."),
        // Query planner
        Entry(
            name: "random_page_cost", context: "user", category: "Query Planner",
            description: "Planner's cost of a non-sequentially fetched page."),
        Entry(
            name: "seq_page_cost", context: "user", category: "Query Planner",
            description: "Planner's cost of a sequentially fetched page."),
        Entry(
            name: "cpu_tuple_cost", context: "user", category: "Query Planner",
            description: "Planner's cost of processing each tuple."),
        Entry(
            name: "default_statistics_target", context: "user", category: "Query Planner",
            description: "Default statistics target for columns."),
        Entry(name: "jit", context: "user", category: "Query Planner", description: "Allows JIT compilation."),
        Entry(
            name: "enable_partitionwise_join", context: "user", category: "Query Planner",
            description: "Enables partitionwise join."),
        Entry(
            name: "enable_partitionwise_aggregate", context: "user", category: "Query Planner",
            description: "Enables partitionwise aggregation and grouping."),
        Entry(
            name: "parallel_leader_participation", context: "user", category: "Query Planner",
            description: "Lets the leader take part in parallel queries."),
        // Logging
        Entry(
            name: "log_min_messages", context: "superuser", category: "Logging",
            description: "Message levels that are logged."),
        Entry(
            name: "log_min_error_statement", context: "superuser", category: "Logging",
            description: "Statements causing errors at or above this level are logged."),
        Entry(
            name: "log_min_duration_statement", context: "superuser", category: "Logging",
            description: "Minimum execution time above which statements are logged."),
        Entry(
            name: "log_statement", context: "superuser", category: "Logging", description: "Type of statements logged."),
        Entry(
            name: "log_duration", context: "superuser", category: "Logging",
            description: "Logs the duration of each completed statement."),
        Entry(
            name: "log_line_prefix", context: "sighup", category: "Logging",
            description: "printf-style prefix of each log line."),
        Entry(name: "log_checkpoints", context: "sighup", category: "Logging", description: "Logs each checkpoint."),
        Entry(
            name: "log_connections", context: "superuser-backend", category: "Logging",
            description: "Logs each successful connection."),
        Entry(
            name: "log_disconnections", context: "superuser-backend", category: "Logging",
            description: "Logs end of a session, including duration."),
        Entry(name: "log_lock_waits", context: "superuser", category: "Logging", description: "Logs long lock waits."),
        Entry(
            name: "log_temp_files", context: "superuser", category: "Logging",
            description: "Logs temporary files larger than this."),
        Entry(
            name: "log_autovacuum_min_duration", context: "sighup", category: "Logging",
            description: "Minimum autovacuum run time above which actions are logged."),
        Entry(
            name: "log_error_verbosity", context: "superuser", category: "Logging",
            description: "Verbosity of logged messages."),
        Entry(
            name: "log_replication_commands", context: "superuser", category: "Logging",
            description: "Logs each replication command."),
        Entry(
            name: "log_timezone", context: "sighup", category: "Logging", description: "Time zone used in log messages."
        ),
        // Autovacuum and vacuum
        Entry(
            name: "autovacuum", context: "sighup", category: "Autovacuum",
            description: "Starts the autovacuum subprocess."),
        Entry(
            name: "autovacuum_max_workers", context: "postmaster", category: "Autovacuum",
            description: "Maximum number of simultaneously running autovacuum workers."),
        Entry(
            name: "autovacuum_naptime", context: "sighup", category: "Autovacuum",
            description: "Time to sleep between autovacuum runs."),
        Entry(
            name: "autovacuum_vacuum_threshold", context: "sighup", category: "Autovacuum",
            description: "Minimum tuple updates or deletes before vacuum."),
        Entry(
            name: "autovacuum_vacuum_scale_factor", context: "sighup", category: "Autovacuum",
            description: "Tuple updates or deletes before vacuum as a fraction of reltuples."),
        Entry(
            name: "autovacuum_vacuum_insert_threshold", context: "sighup", category: "Autovacuum",
            description: "Minimum tuple inserts before vacuum."),
        Entry(
            name: "autovacuum_analyze_threshold", context: "sighup", category: "Autovacuum",
            description: "Minimum tuple changes before analyze."),
        Entry(
            name: "autovacuum_analyze_scale_factor", context: "sighup", category: "Autovacuum",
            description: "Tuple changes before analyze as a fraction of reltuples."),
        Entry(
            name: "autovacuum_vacuum_cost_delay", context: "sighup", category: "Autovacuum",
            description: "Vacuum cost delay for autovacuum."),
        Entry(
            name: "autovacuum_vacuum_cost_limit", context: "sighup", category: "Autovacuum",
            description: "Vacuum cost amount available before napping, for autovacuum."),
        Entry(
            name: "autovacuum_freeze_max_age", context: "postmaster", category: "Autovacuum",
            description: "Age at which to autovacuum a table to prevent transaction ID wraparound."),
        Entry(
            name: "vacuum_cost_delay", context: "user", category: "Autovacuum",
            description: "Vacuum cost delay in milliseconds."),
        Entry(
            name: "vacuum_cost_limit", context: "user", category: "Autovacuum",
            description: "Vacuum cost amount available before napping."),
        Entry(
            name: "vacuum_freeze_min_age", context: "user", category: "Autovacuum",
            description: "Minimum age at which VACUUM freezes a table row."),
        Entry(
            name: "vacuum_freeze_table_age", context: "user", category: "Autovacuum",
            description: "Age at which VACUUM scans the whole table to freeze tuples."),
        // Statistics
        Entry(
            name: "track_activities", context: "superuser", category: "Statistics",
            description: "Collects information about executing commands."),
        Entry(
            name: "track_counts", context: "superuser", category: "Statistics",
            description: "Collects statistics on database activity."),
        Entry(
            name: "track_io_timing", context: "superuser", category: "Statistics",
            description: "Collects timing statistics for database I/O."),
        Entry(
            name: "track_functions", context: "superuser", category: "Statistics",
            description: "Collects function-level statistics."),
        Entry(
            name: "track_activity_query_size", context: "postmaster", category: "Statistics",
            description: "Memory reserved for pg_stat_activity.query, in bytes."),
        Entry(
            name: "shared_preload_libraries", context: "postmaster", category: "Statistics",
            description: "Shared libraries to preload into the server."),
        Entry(
            name: "pg_stat_statements.max", context: "postmaster", category: "Statistics",
            description: "Maximum number of statements tracked by pg_stat_statements."),
        Entry(
            name: "pg_stat_statements.track", context: "superuser", category: "Statistics",
            description: "Which statements pg_stat_statements tracks."),
        // Client defaults
        Entry(
            name: "statement_timeout", context: "user", category: "Client Defaults",
            description: "Maximum allowed duration of any statement."),
        Entry(
            name: "lock_timeout", context: "user", category: "Client Defaults",
            description: "Maximum allowed duration of any wait for a lock."),
        Entry(
            name: "idle_in_transaction_session_timeout", context: "user", category: "Client Defaults",
            description: "Maximum allowed idle time inside a transaction."),
        Entry(
            name: "idle_session_timeout", context: "user", category: "Client Defaults",
            description: "Maximum allowed idle time outside a transaction."),
        Entry(
            name: "deadlock_timeout", context: "superuser", category: "Client Defaults",
            description: "Time to wait on a lock before checking for deadlock."),
        Entry(
            name: "default_transaction_isolation", context: "user", category: "Client Defaults",
            description: "Isolation level of each new transaction."),
        Entry(
            name: "timezone", context: "user", category: "Client Defaults",
            description: "Time zone for displaying and interpreting time stamps."),
        Entry(
            name: "datestyle", context: "user", category: "Client Defaults",
            description: "Display format for date and time values."),
        Entry(
            name: "default_text_search_config", context: "user", category: "Client Defaults",
            description: "Default text search configuration."),
        Entry(
            name: "search_path", context: "user", category: "Client Defaults",
            description: "Schema search order for names that are not schema-qualified."),
        Entry(
            name: "client_encoding", context: "user", category: "Client Defaults",
            description: "Client's character set encoding."),
        Entry(
            name: "lc_messages", context: "superuser", category: "Client Defaults",
            description: "Language in which messages are displayed."),
    ]

    /// INSERT statements for migration 2 (names and texts are program constants without quotes).
    static var sql: String {
        entries.map { entry in
            "INSERT INTO pg_parameters (name, restart_mode, pg_context, category, description) VALUES ('"
                + "\(entry.name)', '\(entry.restartMode)', '\(entry.context)', '\(entry.category)', "
                + "'\(entry.description.replacingOccurrences(of: "'", with: "''"))');"
        }.joined(separator: "\n")
    }
}
