import CTransportLinux
import Glibc

/// Unix-domain stream sockets: a local control channel between processes of one pod (the failover
/// sidecar and the PostgreSQL supervisor share a volume). Connections are plain `TCPConnection`
/// byte streams; only addressing differs.
public enum UnixSocket {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    public static let maximumPathLength = 107

    /// Listens on `path`, replacing a stale socket file left by a previous run, with the file's
    /// permission bits set to `mode` (0o600: only our user may connect).
    public static func listen(
        path: String, mode: UInt32 = 0o600, backlog: Int32 = TransportLimits.defaultListenBacklog,
        loop: EventLoop = .shared
    ) throws(TransportError) -> UnixListener {
        var address = try makeAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | CTRANSPORT_SOCK_FLAGS, 0)
        guard fd >= 0 else { throw TransportError.fromErrno(errno, operation: .socket, peer: path) }
        let handle = SocketHandle(descriptor: fd, loop: loop)
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, chmod(path, mode) == 0, Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            handle.close()
            throw TransportError.fromErrno(code, operation: .bind, peer: path)
        }
        return UnixListener(handle: handle, path: path)
    }

    /// Connects to the socket at `path` before `deadline`.
    public static func connect(path: String, deadline: Deadline, loop: EventLoop = .shared) async throws
        -> TCPConnection
    {
        var address = try makeAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | CTRANSPORT_SOCK_FLAGS, 0)
        guard fd >= 0 else { throw TransportError.fromErrno(errno, operation: .socket, peer: path) }
        let handle = SocketHandle(descriptor: fd, loop: loop)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try await handle.finishConnect(started: started, errno: errno, deadline: deadline, peer: path)
        return TCPConnection(handle: handle, peerLabel: path)
    }

    private static func makeAddress(_ path: String) throws(TransportError) -> sockaddr_un {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumPathLength, !bytes.contains(0) else {
            throw TransportError(kind: .addressUnavailable, operation: .bind, peer: path, detail: "invalid socket path")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return address
    }
}

/// A listening Unix-domain socket; see `UnixSocket.listen`.
public final class UnixListener: Sendable {
    let handle: SocketHandle
    public let path: String

    init(handle: SocketHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    /// Waits for the next connection; throws `.closed` after `close()`.
    public func accept(deadline: Deadline) async throws -> TCPConnection {
        while true {
            try Task.checkCancellation()
            let accepted: Int32? = try handle.withDescriptor(operation: .accept, peer: path) {
                fd throws(TransportError) in
                while true {
                    let client = ctransport_accept_nonblocking(fd)
                    if client >= 0 { return client }
                    let code = errno
                    if code == EINTR || code == ECONNABORTED { continue }
                    if SystemError.isWouldBlock(code) { return nil }
                    throw TransportError.fromErrno(code, operation: .accept, peer: path)
                }
            }
            if let accepted {
                return TCPConnection(handle: SocketHandle(descriptor: accepted, loop: handle.loop), peerLabel: path)
            }
            try await handle.wait(for: .readable, deadline: deadline, operation: .accept, peer: path)
        }
    }

    /// Stops listening, wakes a pending `accept`, and removes the socket file. Idempotent.
    public func close() {
        handle.close()
        unlink(path)
    }
}
