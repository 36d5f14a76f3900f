import FoundationEssentials
import ChildProcesses
import Transport
import Logging
import Postgres

extension Supervisor {
    /// initdb, start fenced, create the roles, mark the volume as initialized.
    func initializeCluster() async throws {
        state = .maintenance
        logger.notice("initializing a new cluster", metadata: ["pg.data": "\(configuration.dataDirectory)"])
        // Only reached on a volume that never held a cluster (BootPlanner), so leftovers are junk.
        files.remove(configuration.dataDirectory)
        _ = try await configuration.tools.run(
            "initdb",
            [
                "--pgdata=\(configuration.dataDirectory)", "--username=\(configuration.superuser)",
                "--auth-local=peer", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                // pg_rewind needs checksums (or wal_log_hints); checksums also catch corruption.
                "--data-checksums",
            ], timeout: .seconds(300))
        try await startServer()
        let session = try await localSession()
        defer { Task { await session.close() } }
        try await session.transaction { [configuration] session in
            if let password = configuration.superuserPassword {
                try session.execute("ALTER ROLE \(identifier: configuration.superuser) PASSWORD \(literal: password)")
            }
            if let password = configuration.replicationPassword {
                try session.execute(
                    "CREATE ROLE \(identifier: configuration.replicationUser) WITH LOGIN REPLICATION PASSWORD \(literal: password)"
                )
            } else {
                try session.execute("CREATE ROLE \(identifier: configuration.replicationUser) WITH LOGIN REPLICATION")
            }
            // pg_rewind reads the source's files through these functions over a normal session;
            // granting them lets the replication role rewind without being a superuser.
            for function in [
                "pg_catalog.pg_ls_dir(text, boolean, boolean)", "pg_catalog.pg_stat_file(text, boolean)",
                "pg_catalog.pg_read_binary_file(text)", "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)",
            ] {
                try session.execute(
                    "GRANT EXECUTE ON FUNCTION \(unsafeSQL: function) TO \(identifier: configuration.replicationUser)")
            }
        }
        try files.touch(configuration.initializedMarker)
    }

    /// Replaces the data with a base backup of `upstream` and starts as its standby. The old data
    /// stays aside until the copy works.
    func rebuild(from upstream: SourceServer) async throws {
        await stopServer()
        state = .maintenance
        try files.touch(configuration.rebuildMarker)
        logger.notice("rebuilding from a base backup", metadata: ["upstream": "\(upstream.host):\(upstream.port)"])
        let aside = try files.moveDataAside()
        do {
            _ = try await configuration.tools.baseBackup(
                into: configuration.dataDirectory, source: address(of: upstream), writeRecoveryConfiguration: false)
        } catch {
            files.remove(configuration.dataDirectory)
            // The old data is all this node has: put it back and run it as it was. Keep the
            // marker only when there was nothing to put back (the next boot rebuilds then).
            if let aside, files.restoreDataAside(aside) {
                files.remove(configuration.rebuildMarker)
                try? await startServer()
            }
            throw error
        }
        try becomeStandby(of: upstream)
        try await startServer()
        files.remove(configuration.rebuildMarker)
        if let aside { files.remove(aside) }
        try files.touch(configuration.initializedMarker)
    }

    /// Makes the (stopped) data directory a standby of `upstream`: standby.signal, our upstream
    /// in conf/postgresql.conf, and none in postgresql.auto.conf.
    func becomeStandby(of upstream: SourceServer) throws {
        try saveSource(upstream)
        try files.touch(configuration.dataDirectory + "/standby.signal")
        let autoConf = configuration.dataDirectory + "/postgresql.auto.conf"
        if let text = files.read(autoConf) {
            try files.write(ConfigurationFiles.withoutUpstreamSettings(text), to: autoConf)
        }
    }

    /// Becomes (or stays) a standby streaming from `upstream`, by the cheapest path that works:
    /// a running standby is re-pointed (primary_conninfo is reloadable); if it does not stream
    /// within the grace period, or the node is a (fenced) former primary, it is stopped and
    /// rewound; if pg_rewind keeps failing (e.g. WAL it needs is gone), it is rebuilt.
    ///
    /// Nothing is rewound or replaced while `upstream` does not accept connections: a leader
    /// that died moments after the request must not cost this node its data (it may be the best
    /// candidate to replace that leader). The node is then left as it was and the call fails.
    func follow(_ upstream: SourceServer) async throws -> FollowOutcome {
        try await requireReachable(upstream)
        if files.inspect().isStandby, server != nil {
            if source == upstream, try await isStreaming(from: upstream, within: 0) { return .unchanged }
            try saveSource(upstream)
            try renderConfiguration()
            server?.reload()
            if try await isStreaming(from: upstream, within: configuration.streamingGrace) { return .repointed }
            try await requireReachable(upstream)
            logger.notice(
                "standby did not stream after re-pointing; rewinding", metadata: ["upstream": "\(upstream.host)"])
        }
        await stopServer()
        state = .maintenance
        if try await rewind(to: upstream) {
            try becomeStandby(of: upstream)
            try await startServer()
            if try await isStreaming(from: upstream, within: configuration.streamingGrace) { return .rewound }
            logger.warning("rewound standby does not stream; rebuilding", metadata: ["upstream": "\(upstream.host)"])
        } else if await !isReachable(upstream) {
            try await startServer()
            throw SupervisorError.failed("\(upstream.host):\(upstream.port) went away; pg_rewind postponed")
        }
        try await rebuild(from: upstream)
        return .rebuilt
    }

    /// Whether `upstream` accepts TCP connections within a second (a stopped server refuses at
    /// once; an unreachable one times out).
    func isReachable(_ upstream: SourceServer) async -> Bool {
        guard let port = UInt16(exactly: upstream.port) else { return false }
        do {
            let connection = try await TCPClient.connect(host: upstream.host, port: port, timeout: .seconds(1))
            connection.close()
            return true
        } catch {
            return false
        }
    }

    func requireReachable(_ upstream: SourceServer) async throws {
        guard await isReachable(upstream) else {
            throw SupervisorError.failed("\(upstream.host):\(upstream.port) does not accept connections")
        }
    }

    /// pg_rewind with retries; false if every attempt failed.
    func rewind(to upstream: SourceServer) async throws -> Bool {
        guard files.inspect().hasCluster else { return false }
        for attempt in 1...max(1, configuration.rewindAttempts) {
            do {
                _ = try await configuration.tools.rewind(
                    targetDataDirectory: configuration.dataDirectory, source: address(of: upstream),
                    writeRecoveryConfiguration: false)
                return true
            } catch {
                record(error, "pg_rewind failed")
                guard await isReachable(upstream) else { return false }
                if attempt < configuration.rewindAttempts {
                    try await Task.sleep(for: .milliseconds(500 * (1 << (attempt - 1))))
                }
            }
        }
        return false
    }

    /// Whether the WAL receiver streams from `upstream`, waiting up to `seconds` for it. The
    /// upstream matters: right after a re-point the receiver may still stream from the old one.
    func isStreaming(from upstream: SourceServer, within seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var nextReachabilityCheck = ContinuousClock.now + .seconds(1)
        repeat {
            // An upstream that went away will not start streaming: stop waiting for it.
            if ContinuousClock.now >= nextReachabilityCheck {
                guard await isReachable(upstream) else { return false }
                nextReachabilityCheck = ContinuousClock.now + .seconds(1)
            }
            if let session = try? await localSession() {
                let receiver = try? await session.walReceiver()
                await session.close()
                if let receiver, receiver.status == "streaming", receiver.senderHost == upstream.host,
                    receiver.senderPort == upstream.port
                {
                    return true
                }
            }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return false
    }

    func address(of upstream: SourceServer) -> PostgresServerAddress {
        PostgresServerAddress(
            host: upstream.host, port: upstream.port, user: configuration.replicationUser,
            password: configuration.replicationPassword)
    }
}
