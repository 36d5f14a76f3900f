import FoundationEssentials
import Glibc
import Postgres

/// File operations on the data volume. Every file the supervisor writes belongs to the user
/// PostgreSQL runs as (`owner`), mode 0600, replaced atomically.
struct VolumeFiles: Sendable {
    let configuration: SupervisorConfiguration
    /// The account PostgreSQL runs as when the supervisor runs as root (tests); nil = ourselves.
    var owner: String? { configuration.tools.user }

    func inspect() -> VolumeState {
        let manager = FileManager.default
        let data = configuration.dataDirectory
        let entries = (try? manager.contentsOfDirectory(atPath: data)) ?? []
        return VolumeState(
            hasCluster: manager.fileExists(atPath: data + "/PG_VERSION"),
            dataDirectoryIsEmpty: entries.isEmpty,
            wasEverInitialized: manager.fileExists(atPath: configuration.initializedMarker),
            rebuildRequested: manager.fileExists(atPath: configuration.rebuildMarker),
            isStandby: manager.fileExists(atPath: data + "/standby.signal"))
    }

    func ensureDirectories() throws {
        for directory in [configuration.volumeRoot, configuration.configDirectory] {
            if !FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            chmod(directory, 0o700)
            try chown(directory)
        }
    }

    func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// Writes `text` to `path` through a temporary sibling and a rename.
    func write(_ text: String, to path: String) throws {
        let temporary = path + ".pg-swarm-new"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw SupervisorError.file(path: temporary, message: "cannot create") }
        try chown(temporary)
        guard rename(temporary, path) == 0 else {
            throw SupervisorError.file(path: path, message: String(cString: strerror(errno)))
        }
    }

    func touch(_ path: String) throws { try write("", to: path) }

    func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Moves PGDATA aside (kept until a replacement works, then deleted).
    func moveDataAside() throws -> String? {
        let data = configuration.dataDirectory
        guard exists(data) else { return nil }
        let aside = configuration.volumeRoot + "/pgdata.replaced"
        remove(aside)
        guard rename(data, aside) == 0 else {
            throw SupervisorError.file(path: data, message: String(cString: strerror(errno)))
        }
        return aside
    }

    /// Moves data set aside by `moveDataAside` back into place; false if that failed.
    func restoreDataAside(_ aside: String) -> Bool {
        guard exists(aside), !exists(configuration.dataDirectory) else { return false }
        return rename(aside, configuration.dataDirectory) == 0
    }

    func chown(_ path: String) throws {
        guard let owner, geteuid() == 0 else { return }
        guard let entry = getpwnam(owner) else { throw SupervisorError.file(path: path, message: "no user \(owner)") }
        guard Glibc.chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw SupervisorError.file(path: path, message: String(cString: strerror(errno)))
        }
    }
}

public enum SupervisorError: Error, Equatable, CustomStringConvertible {
    case file(path: String, message: String)
    case busy(operation: String)
    case notAllowed(String)
    case failed(String)

    public var description: String {
        switch self {
        case .file(let path, let message): return "\(path): \(message)"
        case .busy(let operation): return "busy: \(operation) is in progress"
        case .notAllowed(let reason): return reason
        case .failed(let reason): return reason
        }
    }
}
