import CTransportLinux
import Glibc

/// Opens outgoing TCP connections.
public enum TCPClient {
    /// Resolves `host` and connects to its addresses in order until one accepts, all within
    /// `timeout` (resolution included). The last address's error is thrown if none accepts.
    public static func connect(
        host: String, port: UInt16, timeout: Duration, options: TCPOptions = TCPOptions(),
        loop: EventLoop = .shared
    ) async throws -> TCPConnection {
        try await connect(host: host, port: port, deadline: .after(timeout), options: options, loop: loop)
    }

    /// `connect(host:port:timeout:)` with an absolute deadline.
    public static func connect(
        host: String, port: UInt16, deadline: Deadline, options: TCPOptions = TCPOptions(),
        loop: EventLoop = .shared
    ) async throws -> TCPConnection {
        let addresses = try await AddressResolver.resolve(host: host, port: port, deadline: deadline, loop: loop)
        var lastError: (any Error)?
        for address in addresses {
            do {
                return try await connect(to: address, deadline: deadline, options: options, loop: loop)
            } catch let error as TransportError where error.kind != .timedOut {
                lastError = error
            }
        }
        throw lastError ?? TransportError(kind: .addressResolutionFailed, operation: .resolve, peer: host)
    }

    /// Connects to one address with a non-blocking `connect`, waiting for writability.
    public static func connect(
        to address: SocketAddress, deadline: Deadline, options: TCPOptions = TCPOptions(),
        loop: EventLoop = .shared
    ) async throws -> TCPConnection {
        let peer = address.description
        let fd = socket(address.protocolFamily, Int32(SOCK_STREAM.rawValue) | CTRANSPORT_SOCK_FLAGS, 0)
        guard fd >= 0 else { throw TransportError.fromErrno(errno, operation: .socket, peer: peer) }
        // From here on the handle owns the descriptor and closes it on every failure path.
        let handle = SocketHandle(descriptor: fd, loop: loop)
        if let code = TCPConnection.configure(fd, with: options) {
            handle.close()
            throw TransportError.fromErrno(code, operation: .socket, peer: peer)
        }
        let started = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        try await handle.finishConnect(started: started, errno: errno, deadline: deadline, peer: peer)
        return TCPConnection(handle: handle, peerAddress: address)
    }
}

extension SocketHandle {
    /// Completes a non-blocking `connect(2)` that returned `started` (with `errno` if it failed):
    /// waits for writability and reads the outcome. Closes the handle on every failure.
    func finishConnect(started: Int32, errno code: Int32, deadline: Deadline, peer: String) async throws {
        guard started != 0 else { return }
        // EAGAIN: a Unix-domain socket whose listener's backlog is full.
        guard code == EINPROGRESS || code == EINTR || code == EAGAIN else {
            close()
            throw TransportError.fromErrno(code, operation: .connect, peer: peer)
        }
        do {
            try await wait(for: .writable, deadline: deadline, operation: .connect, peer: peer)
        } catch {
            close()
            throw error
        }
        let outcome = SocketOption.pendingError(descriptor)
        guard outcome == 0 else {
            close()
            throw TransportError.fromErrno(outcome, operation: .connect, peer: peer)
        }
    }
}
