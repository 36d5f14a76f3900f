import ChildProcesses
import Foundation
import Glibc

/// Test scratch folders and ports that concurrent test processes cannot collide on.
///
/// Each test cluster lives in its own `mkdtemp` folder that records the owning process. Ports are
/// reserved with an exclusive `flock` on `/tmp/pg-swarm-test-ports/<port>.lock` held for the life
/// of the process, the same scheme the Python fixture (Tests/e2e/pgcluster.py) uses, and are also
/// checked free by binding.
public enum ScratchSpace {
    static let root = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    static let prefix = "pg-swarm-test"
    static let portLockDirectory = "/tmp/pg-swarm-test-ports"
    /// Ports are drawn from a range away from well-known services and the ephemeral range.
    static let portRange: ClosedRange<Int> = 20_000...32_000

    /// Port lock descriptors, kept open (and thus locked) until the process exits.
    nonisolated(unsafe) private static var heldPortLocks: [Int: Int32] = [:]
    private static let portLock = NSLock()

    /// Creates a fresh folder owned by `user` (or the current user) after sweeping folders left
    /// behind by test processes that died.
    public static func makeFolder(owner user: String?) throws -> String {
        sweepAbandonedFolders()
        let path = try makePrivateTemporaryDirectory(prefix: prefix)
        registerForExitCleanup(path)
        try "\(getpid())\n".write(toFile: path + "/owner.pid", atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        if let user { try changeOwner(path, to: user) }
        return path
    }

    /// Reserves a free loopback TCP port for this process.
    public static func reservePort() throws -> Int {
        mkdir(portLockDirectory, 0o1777)
        chmod(portLockDirectory, 0o1777)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let port = Int.random(in: portRange, using: &generator)
            let fd = open("\(portLockDirectory)/\(port).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
            guard fd >= 0 else { continue }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0, isBindable(port) else {
                close(fd)
                continue
            }
            portLock.withLock { heldPortLocks[port] = fd }
            return port
        }
        throw TestClusterError.noFreePort
    }

    /// Folders this process created; at exit their servers are killed and the folders removed,
    /// so a test that never reached its cleanup leaves nothing running.
    nonisolated(unsafe) private static var ownedFolders: [String] = []
    nonisolated(unsafe) private static var exitHookInstalled = false

    private static func registerForExitCleanup(_ folder: String) {
        portLock.withLock {
            ownedFolders.append(folder)
            if !exitHookInstalled {
                exitHookInstalled = true
                atexit { ScratchSpace.cleanUpOwnedFolders() }
            }
        }
    }

    static func cleanUpOwnedFolders() {
        let folders = portLock.withLock { ownedFolders }
        for folder in folders {
            killServers(under: folder)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Stops PostgreSQL servers left by dead test processes and deletes their folders.
    public static func sweepAbandonedFolders() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for entry in entries where entry.hasPrefix(prefix + ".") {
            let folder = root + "/" + entry
            guard let text = try? String(contentsOfFile: folder + "/owner.pid", encoding: .utf8),
                let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            killServers(under: folder)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// SIGKILLs every postmaster (and its process group) whose data folder is below `folder`.
    static func killServers(under folder: String) {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return }
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix("postmaster.pid"),
                let text = try? String(contentsOfFile: folder + "/" + relative, encoding: .utf8),
                let firstLine = text.split(separator: "\n").first, let pid = Int32(firstLine), pid > 1
            else { continue }
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }

    static func changeOwner(_ path: String, to user: String) throws {
        guard geteuid() == 0 else { return }
        guard let entry = getpwnam(user) else { throw TestClusterError.unknownUser(user) }
        guard chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw TestClusterError.setupFailed("chown \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func isBindable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

public enum TestClusterError: Error, CustomStringConvertible {
    case noFreePort
    case unknownUser(String)
    case setupFailed(String)
    case notReady(node: String, log: String)

    public var description: String {
        switch self {
        case .noFreePort: return "no free loopback port found"
        case .unknownUser(let user): return "no such user: \(user)"
        case .setupFailed(let message): return "test cluster setup failed: \(message)"
        case .notReady(let node, let log): return "\(node) did not become ready; log tail:\n\(log)"
        }
    }
}
