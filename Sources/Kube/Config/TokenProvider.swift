import FoundationEssentials
import Glibc
import Synchronization
import TextBasics

/// Supplies the bearer token for each request. Implementations must never log the token.
public protocol TokenProvider: Sendable {
    func currentToken() throws(KubeError) -> String
    /// Where the token comes from, for logs ("/var/run/.../token", "kubeconfig"): never the token.
    var origin: String { get }
}

/// A fixed token (kubeconfig `token`, tests).
public struct StaticToken: TokenProvider {
    private let token: String
    public let origin: String

    public init(_ token: String, origin: String = "static") {
        self.token = token
        self.origin = origin
    }

    public func currentToken() throws(KubeError) -> String { token }
}

/// A token file that may be replaced at any time: the kubelet rotates projected service-account
/// tokens (by swapping a symlink), so the file is checked on every request and re-read when its
/// identity (device, inode), size or modification time changed. A `stat` per request costs
/// microseconds; reading a stale token would cost a 401 once the old one expires.
public final class FileTokenProvider: TokenProvider {
    /// Tokens are a few KiB; a larger file is a mistake (wrong path), not a token.
    static let maximumTokenBytes = 64 * 1024

    public let path: String
    public var origin: String { path }

    private struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }
    private let cached = Mutex<(stamp: Stamp, token: String)?>(nil)

    public init(path: String) {
        self.path = path
    }

    public func currentToken() throws(KubeError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw KubeError.invalidConfiguration("token file \(path): \(String(cString: strerror(errno)))")
        }
        let stamp = Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec)
        if let hit = cached.withLock({ $0?.stamp == stamp ? $0?.token : nil }) { return hit }
        guard info.st_size <= Self.maximumTokenBytes, let data = FileManager.default.contents(atPath: path) else {
            throw KubeError.invalidConfiguration("token file \(path) is unreadable or larger than 64 KiB")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingWhitespace
        guard !token.isEmpty else { throw KubeError.invalidConfiguration("token file \(path) is empty") }
        cached.withLock { $0 = (stamp, token) }
        return token
    }
}
