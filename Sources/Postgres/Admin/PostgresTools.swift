public import ChildProcesses
import FoundationEssentials
import Glibc
import TextBasics

/// Where a tool such as pg_rewind or pg_basebackup connects: the address of the source server.
/// The password never appears on a command line or in a conninfo string: tools read it from a
/// private `.pgpass` file that exists only while they run.
public struct PostgresServerAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// libpq `sslmode`, e.g. `require`; nil keeps libpq's default.
    public var sslMode: String?

    public init(
        host: String, port: Int, user: String, password: String? = nil, database: String = "postgres",
        sslMode: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }

    /// A conninfo string without the password (safe to log and to pass as an argument).
    public var conninfo: String {
        var parts = [
            "host=\(conninfoQuoted(host))", "port=\(port)", "user=\(conninfoQuoted(user))",
            "dbname=\(conninfoQuoted(database))",
        ]
        if let sslMode { parts.append("sslmode=\(conninfoQuoted(sslMode))") }
        return parts.joined(separator: " ")
    }
}

/// Quotes a conninfo value: single quotes, with `\` and `'` backslash-escaped.
public func conninfoQuoted(_ value: String) -> String {
    "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
}

/// Runs PostgreSQL's own tools as child processes with argument arrays.
public struct PostgresTools: Sendable {
    /// Directory holding pg_ctl, pg_rewind, pg_basebackup, postgres, initdb, ...
    public var binDirectory: String
    /// Run the tools as this user (tests running as root); nil = the current user.
    public var user: String?

    public init(binDirectory: String = PostgresTools.defaultBinDirectory(), user: String? = nil) {
        self.binDirectory = binDirectory
        self.user = user
    }

    /// `PG_BINDIR` if set, else the newest /usr/lib/postgresql/<major>/bin.
    public static func defaultBinDirectory() -> String {
        if let configured = getenv("PG_BINDIR") { return String(cString: configured) }
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted()
        return "/usr/lib/postgresql/\(majors.last ?? 15)/bin"
    }

    public func path(_ tool: String) -> String { binDirectory + "/" + tool }

    /// Rewinds a stopped former primary so it can follow `source` on its new timeline, writing
    /// standby.signal and primary_conninfo when `writeRecoveryConfiguration` is set.
    ///
    /// pg_rewind needs a cleanly shut down target and the target's WAL back to the last common
    /// checkpoint. Left to itself it would run crash recovery with the data directory's own
    /// settings, and that recovery's checkpoint deletes exactly the WAL pg_rewind then needs. So
    /// crash recovery is run here first, in single-user mode with archiving on and an archive
    /// command that always fails, which keeps every WAL segment (the technique Patroni uses).
    public func rewind(
        targetDataDirectory: String, source: PostgresServerAddress, writeRecoveryConfiguration: Bool = true,
        timeout: Duration = .seconds(300)
    ) async throws -> ProcessResult {
        try await completeCrashRecovery(dataDirectory: targetDataDirectory, timeout: timeout)
        var arguments = [
            "--target-pgdata=\(targetDataDirectory)", "--source-server=\(source.conninfo)", "--progress",
            "--no-ensure-shutdown",
        ]
        if writeRecoveryConfiguration { arguments.append("--write-recovery-conf") }
        return try await run("pg_rewind", arguments, source: source, timeout: timeout)
    }

    /// `Database cluster state` from pg_controldata, e.g. "in production" or "shut down".
    public func clusterState(dataDirectory: String) async throws -> String {
        let result = try await run("pg_controldata", [dataDirectory], timeout: .seconds(30))
        for line in result.output.split(separator: "\n") where line.hasPrefix("Database cluster state:") {
            return line.dropFirst("Database cluster state:".count).trimmingWhitespace
        }
        throw PostgresError.toolFailed(tool: "pg_controldata", status: "no cluster state", output: result.output)
    }

    /// Replays local WAL of a server that did not shut down cleanly, keeping all WAL segments,
    /// and shuts it down cleanly. Does nothing to a cleanly stopped server.
    public func completeCrashRecovery(dataDirectory: String, timeout: Duration = .seconds(300)) async throws {
        let state = try await clusterState(dataDirectory: dataDirectory)
        guard state != "shut down" && state != "shut down in recovery" else { return }
        // Single-user mode refuses standby mode; the signal files are put back afterwards
        // (pg_rewind's --write-recovery-conf rewrites standby.signal anyway).
        var moved: [String] = []
        for signal in ["standby.signal", "recovery.signal"] {
            let path = dataDirectory + "/" + signal
            if rename(path, path + ".pg-swarm-held") == 0 { moved.append(path) }
        }
        defer { for path in moved { rename(path + ".pg-swarm-held", path) } }
        _ = try await run(
            "postgres",
            [
                "--single", "-D", dataDirectory, "-c", "archive_mode=on", "-c", "archive_command=false",
                "-c", "wal_keep_size=1TB", "postgres",
            ], timeout: timeout)
    }

    /// Copies `source` into the empty or missing `directory` with WAL streamed alongside, ready to
    /// start as its standby when `writeRecoveryConfiguration` is set.
    public func baseBackup(
        into directory: String, source: PostgresServerAddress, writeRecoveryConfiguration: Bool = true,
        replicationSlot: String? = nil, timeout: Duration = .seconds(3600)
    ) async throws -> ProcessResult {
        var arguments = [
            "--pgdata=\(directory)", "--dbname=\(source.conninfo)", "--wal-method=stream", "--checkpoint=fast",
            "--no-password",
        ]
        if writeRecoveryConfiguration { arguments.append("--write-recovery-conf") }
        if let replicationSlot { arguments.append("--slot=\(replicationSlot)") }
        return try await run("pg_basebackup", arguments, source: source, timeout: timeout)
    }

    /// Runs `tool` and throws `.toolFailed` (with the tail of its output) unless it succeeds.
    public func run(
        _ tool: String, _ arguments: [String], source: PostgresServerAddress? = nil, timeout: Duration
    ) async throws -> ProcessResult {
        var environment = [
            "PATH": binDirectory + ":/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "HOME": homeDirectory(of: user) ?? "/tmp",
        ]
        let secrets = try TemporaryPasswordFile(for: source, readableBy: user)
        defer { secrets?.remove() }
        if let secrets { environment["PGPASSFILE"] = secrets.path }
        let spec = ProcessSpec(
            executable: path(tool), arguments: arguments, environment: environment, newSession: true, user: user)
        let result = try await ChildProcess.run(spec, timeout: timeout)
        guard result.status.isSuccess else {
            throw PostgresError.toolFailed(tool: tool, status: result.status.description, output: result.output)
        }
        return result
    }
}

private func homeDirectory(of user: String?) -> String? {
    let entry = user.map { getpwnam($0) } ?? getpwuid(geteuid())
    guard let entry, let directory = entry.pointee.pw_dir else { return nil }
    return String(cString: directory)
}

/// A `.pgpass` file with one entry, in a private directory, removed after use.
private struct TemporaryPasswordFile {
    let directory: String
    var path: String { directory + "/pgpass" }

    init?(for source: PostgresServerAddress?, readableBy user: String?) throws {
        guard let source, let password = source.password else { return nil }
        directory = try makePrivateTemporaryDirectory(prefix: "pgswarm-pgpass")
        func field(_ value: String) -> String {
            value.replacing("\\", with: "\\\\").replacing(":", with: "\\:")
        }
        let line = [source.host, String(source.port), "*", source.user, password].map(field).joined(separator: ":")
        let fd = open(directory + "/pgpass", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw PostgresError.fileAccess(path: directory, message: String(cString: strerror(errno)))
        }
        let bytes = Array((line + "\n").utf8)
        let written = write(fd, bytes, bytes.count)
        if let user, geteuid() == 0, let entry = getpwnam(user) {
            fchown(fd, entry.pointee.pw_uid, entry.pointee.pw_gid)
            chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        close(fd)
        guard written == bytes.count else {
            throw PostgresError.fileAccess(path: directory, message: "short write")
        }
    }

    func remove() {
        unlink(path)
        rmdir(directory)
    }
}
