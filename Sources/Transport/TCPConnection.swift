import CTransportLinux
import Glibc

/// A connected, non-blocking TCP socket as a `ByteStream`.
public final class TCPConnection: ByteStream {
    let handle: SocketHandle
    public let peerAddress: SocketAddress?
    public let localAddress: SocketAddress?

    /// Names a peer that has no IP address (a Unix-domain socket's path).
    private let peerLabel: String?

    public var peerDescription: String { peerAddress?.description ?? peerLabel ?? "unknown peer" }
    public var localDescription: String { localAddress?.description ?? peerLabel ?? "unknown local address" }

    /// Adopts a connected non-blocking socket (from `accept4` or a finished `connect`).
    init(handle: SocketHandle, peerAddress: SocketAddress? = nil) {
        self.handle = handle
        self.peerAddress = peerAddress ?? SocketAddress.of(handle.descriptor, peer: true)
        self.localAddress = SocketAddress.of(handle.descriptor, peer: false)
        self.peerLabel = nil
    }

    /// Adopts a connected Unix-domain socket, described by its path.
    init(handle: SocketHandle, peerLabel: String) {
        self.handle = handle
        self.peerAddress = nil
        self.localAddress = nil
        self.peerLabel = peerLabel
    }

    public func read(maxBytes: Int, deadline: Deadline) async throws -> [UInt8] {
        let capacity = min(max(maxBytes, 1), TransportLimits.maximumReadSize)
        while true {
            try Task.checkCancellation()
            if let bytes = try receive(capacity: capacity) { return bytes }
            try await handle.wait(for: .readable, deadline: deadline, operation: .read, peer: peerDescription)
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline) async throws {
        var offset = 0
        while offset < bytes.count {
            try Task.checkCancellation()
            let sent = try send(bytes, from: offset)
            if sent > 0 {
                offset += sent
            } else {
                try await handle.wait(for: .writable, deadline: deadline, operation: .write, peer: peerDescription)
            }
        }
    }

    public func close() {
        handle.close()
    }

    /// One `recv`: bytes, `[]` at end of stream, or nil when it would block.
    private func receive(capacity: Int) throws(TransportError) -> [UInt8]? {
        try handle.withDescriptor(operation: .read, peer: peerDescription) { fd throws(TransportError) in
            var failure: Int32 = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = 0
                while true {
                    let count = recv(fd, buffer.baseAddress, capacity, 0)
                    if count >= 0 {
                        initialized = count
                        failure = 0
                        return
                    }
                    failure = errno
                    if failure != EINTR { return }
                }
            }
            if failure != 0 {
                if SystemError.isWouldBlock(failure) { return nil }
                throw TransportError.fromErrno(failure, operation: .read, peer: peerDescription)
            }
            return bytes.releasingUnusedCapacity()
        }
    }

    /// One `send` from `offset`: bytes accepted by the kernel, 0 when it would block.
    private func send(_ bytes: [UInt8], from offset: Int) throws(TransportError) -> Int {
        try handle.withDescriptor(operation: .write, peer: peerDescription) { fd throws(TransportError) in
            while true {
                let count = bytes.withUnsafeBytes { raw in
                    // MSG_NOSIGNAL: a closed peer must yield EPIPE here, not kill the process.
                    Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                }
                if count >= 0 { return count }
                let code = errno
                if code == EINTR { continue }
                if SystemError.isWouldBlock(code) { return 0 }
                throw TransportError.fromErrno(code, operation: .write, peer: peerDescription)
            }
        }
    }
}

extension TCPConnection {
    /// Applies `options` to a connected socket; returns the errno of the first failure.
    static func configure(_ fd: Int32, with options: TCPOptions) -> Int32? {
        var settings: [(Int32, Int32, Int32)] = [(Int32(IPPROTO_TCP), TCP_NODELAY, options.noDelay ? 1 : 0)]
        if let keepAlive = options.keepAlive {
            settings += [
                (SOL_SOCKET, SO_KEEPALIVE, 1),
                (Int32(IPPROTO_TCP), TCP_KEEPIDLE, wholeSeconds(keepAlive.idle)),
                (Int32(IPPROTO_TCP), TCP_KEEPINTVL, wholeSeconds(keepAlive.interval)),
                (Int32(IPPROTO_TCP), TCP_KEEPCNT, keepAlive.probes),
            ]
        }
        if let userTimeout = options.userTimeout {
            let millis =
                userTimeout.components.seconds * 1000 + userTimeout.components.attoseconds / 1_000_000_000_000_000
            settings.append((Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, Int32(clamping: millis)))
        }
        for (level, name, value) in settings {
            if let code = SocketOption.set(fd, level: level, name: name, value: value) { return code }
        }
        return nil
    }

    /// The kernel takes keepalive times in whole seconds, at least 1.
    private static func wholeSeconds(_ duration: Duration) -> Int32 {
        max(1, Int32(clamping: duration.components.seconds))
    }
}
