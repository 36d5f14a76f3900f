import COpenSSL
import FoundationEssentials
import Glibc

/// A non-blocking socket to a PostgreSQL server (Unix or TCP, optionally TLS through OpenSSL).
/// Every wait is a poll(2) that honours a deadline and the connection's `WakeSignal`. Used only
/// from its connection's dedicated thread.
final class WireSocket {
    let descriptor: Int32
    private let wake: WakeSignal
    private var ssl: OpaquePointer?
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)

    private init(descriptor: Int32, wake: WakeSignal) {
        self.descriptor = descriptor
        self.wake = wake
    }

    deinit { close() }

    var isTLS: Bool { ssl != nil }

    func close() {
        if let ssl {
            SSL_free(ssl)
            self.ssl = nil
        }
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    // MARK: Connecting

    static func connect(
        to endpoint: ConnectionParameters.Endpoint, keepalives: Bool, wake: WakeSignal, deadline: Deadline,
        timeout: () -> PostgresError
    ) throws -> WireSocket {
        if endpoint.isUnixSocket {
            return try connectUnix(path: endpoint.socketPath, wake: wake, deadline: deadline, timeout: timeout)
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let list else {
            throw PostgresError.connectionFailed(
                message:
                    "could not translate host name \"\(endpoint.host)\" to address: \(String(cString: gai_strerror(status)))"
            )
        }
        defer { freeaddrinfo(list) }
        var failures: [String] = []
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let info = next {
            next = info.pointee.ai_next
            let socket = try WireSocket.open(family: info.pointee.ai_family, wake: wake)
            do {
                try socket.finishConnect(
                    address: info.pointee.ai_addr, length: info.pointee.ai_addrlen, deadline: deadline, timeout: timeout
                )
                socket.configureTCP(keepalives: keepalives)
                return socket
            } catch let error as PostgresError {
                if case .connectionFailed(let message) = error {
                    failures.append(message)
                    continue
                }
                throw error
            }
        }
        throw PostgresError.connectionFailed(
            message: "connection to server at \"\(endpoint.host)\", port \(endpoint.port) failed: "
                + (failures.isEmpty ? "no address" : failures.joined(separator: "; ")))
    }

    private static func connectUnix(path: String, wake: WakeSignal, deadline: Deadline, timeout: () -> PostgresError)
        throws -> WireSocket
    {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw PostgresError.connectionFailed(message: "Unix-domain socket path \"\(path)\" is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            // "@name" is Linux's abstract namespace: a leading NUL byte.
            if bytes.first == UInt8(ascii: "@") { raw[0] = 0 }
        }
        let socket = try WireSocket.open(family: AF_UNIX, wake: wake)
        do {
            try withUnsafePointer(to: &address) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    try socket.finishConnect(
                        address: generic, length: socklen_t(MemoryLayout<sockaddr_un>.size), deadline: deadline,
                        timeout: timeout)
                }
            }
        } catch PostgresError.connectionFailed(let message) {
            throw PostgresError.connectionFailed(
                message: "connection to server on socket \"\(path)\" failed: \(message)")
        }
        return socket
    }

    private static func open(family: Int32, wake: WakeSignal) throws -> WireSocket {
        let descriptor = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw PostgresError.connectionFailed(message: "socket: \(errnoText())") }
        return WireSocket(descriptor: descriptor, wake: wake)
    }

    private func finishConnect(
        address: UnsafePointer<sockaddr>?, length: socklen_t, deadline: Deadline, timeout: () -> PostgresError
    ) throws {
        if Glibc.connect(descriptor, address, length) == 0 { return }
        guard errno == EINPROGRESS || errno == EAGAIN || errno == EINTR else {
            throw PostgresError.connectionFailed(message: errnoText())
        }
        try wait(readable: false, writable: true, until: deadline, timeout: timeout)
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size)
        guard failure == 0 else { throw PostgresError.connectionFailed(message: String(cString: strerror(failure))) }
    }

    /// No Nagle delay for small protocol messages; keepalives detect a dead peer on an idle
    /// session within ~15 s instead of the kernel's two hours.
    private func configureTCP(keepalives: Bool) {
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard keepalives else { return }
        setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        for (option, value) in [(TCP_KEEPIDLE, Int32(5)), (TCP_KEEPINTVL, 2), (TCP_KEEPCNT, 5)] {
            var setting = value
            setsockopt(descriptor, Int32(IPPROTO_TCP), option, &setting, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    // MARK: TLS

    /// Runs the TLS handshake over the connected socket. `verifyName` (verify-full) is checked
    /// against the certificate; `context` decides whether the chain is verified at all.
    func startTLS(
        context: WireTLSContext, serverName: String?, verifyName: String?, deadline: Deadline,
        timeout: () -> PostgresError
    ) throws {
        guard let ssl = SSL_new(context.pointer) else {
            throw PostgresError.connectionFailed(message: "SSL_new: \(WireTLSContext.lastError())")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, descriptor)
        if let serverName, !serverName.isEmpty, serverName.first?.isNumber == false, !serverName.contains(":") {
            _ = copenssl_SSL_set_tlsext_host_name(ssl, serverName)
        }
        if let verifyName { SSL_set1_host(ssl, verifyName) }
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { return }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ: try wait(readable: true, writable: false, until: deadline, timeout: timeout)
            case SSL_ERROR_WANT_WRITE: try wait(readable: false, writable: true, until: deadline, timeout: timeout)
            default:
                let verify = SSL_get_verify_result(ssl)
                let reason =
                    verify != X509_V_OK
                    ? "certificate verify failed: " + String(cString: X509_verify_cert_error_string(verify))
                    : WireTLSContext.lastError()
                throw PostgresError.connectionFailed(message: "SSL error: \(reason)")
            }
        }
    }

    // MARK: Reading and writing

    func write(_ bytes: [UInt8], until deadline: Deadline, timeout: () -> PostgresError) throws {
        var sent = 0
        while sent < bytes.count {
            let count: Int = bytes.withUnsafeBytes { raw in
                let start = raw.baseAddress! + sent
                if let ssl { return Int(SSL_write(ssl, start, Int32(min(raw.count - sent, Int(Int32.max))))) }
                return Glibc.send(descriptor, start, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                sent += count
                continue
            }
            try waitAfterFailure(result: count, writing: true, until: deadline, timeout: timeout)
        }
    }

    /// Appends at least one received byte to `reader`.
    func read(into reader: inout ByteReader, until deadline: Deadline, timeout: () -> PostgresError) throws {
        while true {
            let count: Int = readBuffer.withUnsafeMutableBytes { raw in
                if let ssl { return Int(SSL_read(ssl, raw.baseAddress, Int32(raw.count))) }
                return Glibc.recv(descriptor, raw.baseAddress, raw.count, 0)
            }
            if count > 0 {
                readBuffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                return
            }
            if count == 0 && ssl == nil {
                throw PostgresError.connectionClosed(message: "server closed the connection unexpectedly")
            }
            try waitAfterFailure(result: count, writing: false, until: deadline, timeout: timeout)
        }
    }

    private func waitAfterFailure(result: Int, writing: Bool, until deadline: Deadline, timeout: () -> PostgresError)
        throws
    {
        if let ssl {
            switch SSL_get_error(ssl, Int32(result)) {
            case SSL_ERROR_WANT_READ: try wait(readable: true, writable: false, until: deadline, timeout: timeout)
            case SSL_ERROR_WANT_WRITE: try wait(readable: false, writable: true, until: deadline, timeout: timeout)
            case SSL_ERROR_ZERO_RETURN:
                throw PostgresError.connectionClosed(message: "server closed the connection unexpectedly")
            default:
                throw PostgresError.connectionClosed(message: "SSL error: \(WireTLSContext.lastError())")
            }
            return
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK: try wait(readable: !writing, writable: writing, until: deadline, timeout: timeout)
        case EINTR: return
        default: throw PostgresError.connectionClosed(message: errnoText())
        }
    }

    /// Waits until the socket is ready, the deadline passes (throws `timeout()`), or the wake
    /// signal is raised (throws `.cancelled`).
    func wait(readable: Bool, writable: Bool, until deadline: Deadline, timeout: () -> PostgresError) throws {
        var events: Int16 = 0
        if readable { events |= Int16(POLLIN) }
        if writable { events |= Int16(POLLOUT) }
        while true {
            if wake.isRaised { throw PostgresError.cancelled }
            var descriptors = [
                pollfd(fd: descriptor, events: events, revents: 0),
                pollfd(fd: wake.fileDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, deadline.pollTimeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgresError.connectionClosed(message: "poll failed: \(errnoText())")
            }
            if wake.isRaised { throw PostgresError.cancelled }
            if ready == 0 {
                if deadline.hasPassed { throw timeout() }
                continue
            }
            if descriptors[0].revents != 0 { return }
        }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
