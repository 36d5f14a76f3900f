import FoundationEssentials
import Glibc

/// Hard fencing of a server: no client can write after `fence()` returns, not even one that asks
/// for a read-write transaction, while standbys keep streaming. See `HBAFence` for the rule.
///
/// The caller must be able to write the server's `pg_hba.conf` (the supervisor and the sidecar
/// share the volume that holds it) and must be connected as a superuser over the Unix socket,
/// which the fence leaves open. The fence lives in the file, so it survives a PostgreSQL restart
/// until `unfence()` lifts it.
public struct PostgresFence: Sendable {
    public let connection: PostgresConnection
    /// Where this process sees the server's pg_hba.conf; nil = ask the server (`hba_file`).
    public let hbaPath: String?

    public init(connection: PostgresConnection, hbaPath: String? = nil) {
        self.connection = connection
        self.hbaPath = hbaPath
    }

    /// Whether the server's pg_hba.conf carries the fence.
    public func isFenced() async throws -> Bool {
        HBAFence.isFenced(try readFile(try await resolvedPath()))
    }

    /// Locks out client connections, then terminates every client session but ours. Idempotent:
    /// calling it while fenced sweeps out any session that slipped in (e.g. one that was still
    /// authenticating when the rules changed). Returns the number of sessions terminated.
    @discardableResult
    public func fence() async throws -> Int {
        let path = try await resolvedPath()
        let current = try readFile(path)
        if !HBAFence.isFenced(current) {
            try writeFileAtomically(path, contents: HBAFence.fenced(current))
            try await connection.reloadConfiguration()
        }
        return try await connection.terminateClientBackends()
    }

    /// Lifts the fence. Only a node that holds a fresh leader lease may call this on a primary.
    public func unfence() async throws {
        let path = try await resolvedPath()
        let current = try readFile(path)
        guard HBAFence.isFenced(current) else { return }
        try writeFileAtomically(path, contents: HBAFence.unfenced(current))
        try await connection.reloadConfiguration()
    }

    /// Writes the fence into the rules file at `hbaPath` without a server: for a PostgreSQL that
    /// is down, so that it comes back fenced. Idempotent. Returns whether the file changed.
    @discardableResult
    public static func fenceFile(at hbaPath: String) throws -> Bool {
        let current = try readFile(hbaPath)
        guard !HBAFence.isFenced(current) else { return false }
        try writeFileAtomically(hbaPath, contents: HBAFence.fenced(current))
        return true
    }

    /// Whether the rules file at `hbaPath` carries the fence (no server needed).
    public static func isFileFenced(at hbaPath: String) throws -> Bool {
        HBAFence.isFenced(try readFile(hbaPath))
    }

    private func resolvedPath() async throws -> String {
        if let hbaPath { return hbaPath }
        return try await connection.setting("hba_file")
    }
}

private func fileError(_ path: String, _ code: Int32) -> PostgresError {
    .fileAccess(path: path, message: String(cString: strerror(code)))
}

func readFile(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw fileError(path, errno) }
    defer { close(fd) }
    // Read every second by the fence check: a small stack buffer, not a fresh 64 KiB heap block.
    var bytes: [UInt8] = []
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer in
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw fileError(path, errno)
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Replaces `path` by a complete new file (write a sibling, fsync, rename), keeping the owner and
/// mode of the old one, so PostgreSQL never reads a half-written rule set and can still read the
/// file when we run as root.
func writeFileAtomically(_ path: String, contents: String) throws {
    var info = stat()
    guard stat(path, &info) == 0 else { throw fileError(path, errno) }
    let temporary = path + ".pg-swarm-new"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, info.st_mode & 0o7777)
    guard fd >= 0 else { throw fileError(temporary, errno) }
    var failure: Int32 = 0
    let bytes = Array(contents.utf8)
    var written = 0
    while written < bytes.count && failure == 0 {
        let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno != EINTR { failure = errno }
        } else {
            written += count
        }
    }
    if failure == 0, geteuid() == 0, fchown(fd, info.st_uid, info.st_gid) != 0 { failure = errno }
    if failure == 0, fchmod(fd, info.st_mode & 0o7777) != 0 { failure = errno }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0, rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
        unlink(temporary)
        throw fileError(path, failure)
    }
}
