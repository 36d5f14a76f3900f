import CTransportLinux
import Glibc

/// A listening TCP socket. Accept one connection at a time with `accept(deadline:)`, or iterate
/// `connections`; hand each connection to its own task (a TLS handshake included), so that one
/// slow peer never delays the next accept.
public final class TCPListener: Sendable {
    let handle: SocketHandle
    private let options: TCPOptions
    /// The bound address; with port 0 at bind time, `port` reports the kernel's choice.
    public let localAddress: SocketAddress
    public var port: UInt16 { localAddress.port }

    /// Binds and listens. `host` is a numeric address (`0.0.0.0`, `::`, `127.0.0.1`) or a name,
    /// whose first address is used. SO_REUSEADDR is set so that a restarted server can bind at
    /// once while old connections sit in TIME_WAIT. `options` apply to accepted connections.
    public static func bind(
        host: String, port: UInt16, backlog: Int32 = TransportLimits.defaultListenBacklog,
        options: TCPOptions = TCPOptions(), loop: EventLoop = .shared
    ) async throws -> TCPListener {
        let resolved = try await AddressResolver.resolve(host: host, port: port, deadline: .never, loop: loop)
        guard let address = resolved.first else {
            throw TransportError(kind: .addressResolutionFailed, operation: .resolve, peer: host)
        }
        return try bind(to: address, backlog: backlog, options: options, loop: loop)
    }

    /// Binds and listens on a numeric address.
    public static func bind(
        to address: SocketAddress, backlog: Int32 = TransportLimits.defaultListenBacklog,
        options: TCPOptions = TCPOptions(), loop: EventLoop = .shared
    ) throws(TransportError) -> TCPListener {
        let local = address.description
        let type = Int32(SOCK_STREAM.rawValue) | CTRANSPORT_SOCK_FLAGS
        let fd = socket(address.protocolFamily, type, 0)
        guard fd >= 0 else { throw TransportError.fromErrno(errno, operation: .socket, peer: local) }
        let handle = SocketHandle(descriptor: fd, loop: loop)
        if let code = SocketOption.set(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1) {
            handle.close()
            throw TransportError.fromErrno(code, operation: .bind, peer: local)
        }
        guard address.withSockAddr({ Glibc.bind(fd, $0, $1) }) == 0 else {
            let code = errno
            handle.close()
            throw TransportError.fromErrno(code, operation: .bind, peer: local)
        }
        guard listen(fd, backlog) == 0 else {
            let code = errno
            handle.close()
            throw TransportError.fromErrno(code, operation: .listen, peer: local)
        }
        let bound = SocketAddress.of(fd, peer: false) ?? address
        return TCPListener(handle: handle, localAddress: bound, options: options)
    }

    private init(handle: SocketHandle, localAddress: SocketAddress, options: TCPOptions) {
        self.handle = handle
        self.localAddress = localAddress
        self.options = options
    }

    /// Waits for the next connection. Connections that fail before we see them (ECONNABORTED)
    /// or reject our socket options are skipped. Throws `.closed` after `close()`, and a
    /// `.systemCallFailed` error for resource exhaustion (EMFILE, ENFILE, ENOBUFS), after which
    /// a server should pause before accepting again.
    public func accept(deadline: Deadline) async throws -> TCPConnection {
        while true {
            try Task.checkCancellation()
            if let connection = try acceptOnce() { return connection }
            try await handle.wait(for: .readable, deadline: deadline, operation: .accept, peer: nil)
        }
    }

    /// Stops listening and wakes a pending `accept` with `.closed`. Idempotent.
    public func close() {
        handle.close()
    }

    /// One `accept4`: a connection, or nil when none is pending or one was skipped.
    private func acceptOnce() throws(TransportError) -> TCPConnection? {
        let options = self.options
        let local = localAddress.description
        let accepted: Int32? = try handle.withDescriptor(operation: .accept, peer: nil) { fd throws(TransportError) in
            while true {
                let client = ctransport_accept_nonblocking(fd)
                if client >= 0 { return client }
                let code = errno
                switch code {
                case EINTR, ECONNABORTED, EPROTO: continue
                case _ where SystemError.isWouldBlock(code): return nil
                default: throw TransportError.fromErrno(code, operation: .accept, peer: local)
                }
            }
        }
        guard let accepted else { return nil }
        let handle = SocketHandle(descriptor: accepted, loop: self.handle.loop)
        if TCPConnection.configure(accepted, with: options) != nil {
            // The peer is typically already gone (reset before we configured it).
            handle.close()
            return nil
        }
        return TCPConnection(handle: handle)
    }
}

extension TCPListener {
    /// Accepted connections, until the listener is closed (the sequence then ends) or `accept`
    /// throws (the sequence rethrows).
    public var connections: Connections { Connections(listener: self) }

    public struct Connections: AsyncSequence, Sendable {
        public typealias Element = TCPConnection
        let listener: TCPListener

        public func makeAsyncIterator() -> Iterator { Iterator(listener: listener) }

        public struct Iterator: AsyncIteratorProtocol {
            let listener: TCPListener

            public mutating func next() async throws -> TCPConnection? {
                do {
                    return try await listener.accept(deadline: .never)
                } catch let error as TransportError where error.kind == .closed {
                    return nil
                }
            }
        }
    }
}
