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
        if started != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else {
                handle.close()
                throw TransportError.fromErrno(code, operation: .connect, peer: peer)
            }
            do {
                try await handle.wait(for: .writable, deadline: deadline, operation: .connect, peer: peer)
            } catch {
                handle.close()
                throw error
            }
            let outcome = SocketOption.pendingError(fd)
            guard outcome == 0 else {
                handle.close()
                throw TransportError.fromErrno(outcome, operation: .connect, peer: peer)
            }
        }
        return TCPConnection(handle: handle, peerAddress: address)
    }
}
