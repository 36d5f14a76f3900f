import COpenSSL
import Glibc
import Synchronization

/// One OpenSSL session (`SSL*`) over a non-blocking socket, with no waiting of its own.
///
/// An `SSL*` must not be used by two threads at once, so every call takes the lock; calls are
/// non-blocking and short. Each call either finishes or says which readiness it needs
/// (`.wants`), and `TLSConnection` waits for that on the event loop, outside the lock. Calls run
/// inside `SocketHandle.withDescriptor`, so the socket cannot be closed under OpenSSL's feet.
final class TLSSession: Sendable {
    enum Step<Value: Sendable>: Sendable {
        case done(Value)
        case wants(IOInterest)
    }

    private struct State {
        let ssl: OpaquePointer
        /// After a fatal error OpenSSL forbids further I/O on the session; we replay the error.
        var failure: TransportError?
    }

    private let state: Mutex<State>
    private let socket: SocketHandle
    private let peer: String
    /// The `SSL_CTX` must outlive the session (it holds the ALPN callback's argument).
    private let context: SSLContextHandle

    init(context: SSLContextHandle, socket: SocketHandle, isServer: Bool, peer: String) throws(TransportError) {
        OpenSSLError.clearQueue()
        guard let ssl = SSL_new(context.pointer) else {
            throw TransportError(
                kind: .tlsHandshakeFailed, operation: .handshake, peer: peer, detail: OpenSSLError.drainQueue())
        }
        guard let method = SocketBIOMethod.shared.pointer, let bio = copenssl_socket_bio_new(method, socket.descriptor)
        else {
            SSL_free(ssl)
            throw TransportError(
                kind: .tlsHandshakeFailed, operation: .handshake, peer: peer, detail: OpenSSLError.drainQueue())
        }
        // The session takes ownership of the BIO (one reference for both directions).
        SSL_set_bio(ssl, bio, bio)
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        self.state = Mutex(State(ssl: ssl))
        self.socket = socket
        self.peer = peer
        self.context = context
    }

    deinit {
        state.withLock { SSL_free($0.ssl) }
    }

    /// Client side: sends SNI and verifies the certificate against `serverName`, a DNS name
    /// or an IP literal (IP addresses are matched against IP SANs and never sent as SNI).
    func expectServer(named serverName: String) throws(TransportError) {
        let address = SocketAddress(numericHost: serverName, port: 0)
        try state.withLock { (state: inout State) throws(TransportError) in
            OpenSSLError.clearQueue()
            let accepted: Bool
            if let address {
                accepted = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(state.ssl), address.host) == 1
            } else {
                SSL_set_hostflags(state.ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                accepted =
                    copenssl_SSL_set_tlsext_host_name(state.ssl, serverName) == 1
                    && SSL_set1_host(state.ssl, serverName) == 1
            }
            guard accepted else {
                throw TransportError(
                    kind: .tlsConfigurationInvalid, operation: .configureTLS, peer: peer,
                    detail: "invalid server name \(serverName)")
            }
        }
    }

    func handshakeStep() throws(TransportError) -> Step<Void> {
        try call(.handshake) { ssl in SSL_do_handshake(ssl) }.map { _ in () }
    }

    /// Up to `capacity` plaintext bytes, or `[]` once the peer closed the stream.
    func readStep(capacity: Int) throws(TransportError) -> Step<[UInt8]> {
        var outcome: Result<Step<Completion>, TransportError> = .success(.wants(.readable))
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var count = 0
            do throws(TransportError) {
                outcome = .success(try call(.read) { ssl in SSL_read_ex(ssl, buffer.baseAddress, capacity, &count) })
            } catch {
                outcome = .failure(error)
            }
            if case .success(.done(.succeeded)) = outcome { initialized = count } else { initialized = 0 }
        }
        switch try outcome.get() {
        case .done(.succeeded): return .done(bytes.releasingUnusedCapacity())
        case .done(.peerClosed): return .done([])
        case .wants(let interest): return .wants(interest)
        }
    }

    /// Hands up to `count` bytes from `base` to OpenSSL; returns how many it took.
    func writeStep(_ base: UnsafeRawPointer, count: Int) throws(TransportError) -> Step<Int> {
        var written = 0
        let step = try call(.write) { ssl in SSL_write_ex(ssl, base, count, &written) }
        switch step {
        case .done(.succeeded): return .done(written)
        case .done(.peerClosed):
            throw TransportError(
                kind: .connectionReset, operation: .write, peer: peer, detail: "peer sent close_notify")
        case .wants(let interest): return .wants(interest)
        }
    }

    /// Best effort: one non-blocking attempt to send close_notify after a clean handshake.
    func sendCloseNotify() {
        try? socket.withDescriptor(operation: .write, peer: peer) { _ in
            state.withLock { state in
                guard state.failure == nil, SSL_is_init_finished(state.ssl) == 1 else { return }
                OpenSSLError.clearQueue()
                _ = SSL_shutdown(state.ssl)
                OpenSSLError.clearQueue()
            }
        }
    }

    // MARK: Facts about the finished handshake

    var negotiatedProtocol: String? {
        state.withLock { ALPNProtocolList.negotiated(by: $0.ssl) }
    }

    var protocolVersion: String {
        state.withLock { String(cString: SSL_get_version($0.ssl)) }
    }

    /// The peer certificate's subject, one line (`/CN=satellite-1`), or nil without one.
    var peerCertificateSubject: String? {
        state.withLock { state in
            guard let certificate = SSL_get1_peer_certificate(state.ssl) else { return nil }
            defer { X509_free(certificate) }
            guard let name = X509_get_subject_name(certificate), let text = X509_NAME_oneline(name, nil, 0) else {
                return nil
            }
            defer { copenssl_OPENSSL_free(text) }
            return String(cString: text)
        }
    }

    // MARK: One OpenSSL call

    private enum Completion: Sendable {
        case succeeded
        /// close_notify received (or an EOF we treat as one: SSL_OP_IGNORE_UNEXPECTED_EOF).
        case peerClosed
    }

    /// Runs one OpenSSL I/O call under the lock and classifies its result.
    private func call(
        _ operation: TransportError.Operation, _ body: (OpaquePointer) -> Int32
    ) throws(TransportError) -> Step<Completion> {
        try socket.withDescriptor(operation: operation, peer: peer) { _ throws(TransportError) in
            try state.withLock { (state: inout State) throws(TransportError) -> Step<Completion> in
                if let failure = state.failure { throw failure }
                OpenSSLError.clearQueue()
                let result = body(state.ssl)
                let savedErrno = errno
                guard result <= 0 else { return .done(.succeeded) }
                switch SSL_get_error(state.ssl, result) {
                case SSL_ERROR_WANT_READ: return .wants(.readable)
                case SSL_ERROR_WANT_WRITE: return .wants(.writable)
                case SSL_ERROR_ZERO_RETURN: return .done(.peerClosed)
                case let code:
                    let error = failure(code, errno: savedErrno, operation: operation, ssl: state.ssl)
                    state.failure = error
                    throw error
                }
            }
        }
    }

    private func failure(
        _ code: Int32, errno savedErrno: Int32, operation: TransportError.Operation, ssl: OpaquePointer
    ) -> TransportError {
        let queue = OpenSSLError.drainQueue()
        if operation == .handshake {
            let verification = SSL_get_verify_result(ssl)
            if verification != X509_V_OK {
                let reason = String(cString: X509_verify_cert_error_string(verification))
                return TransportError(
                    kind: .certificateVerificationFailed, operation: operation, peer: peer, detail: reason)
            }
        }
        if code == SSL_ERROR_SYSCALL && queue == nil {
            guard savedErrno != 0 else {
                return TransportError(
                    kind: operation == .handshake ? .tlsHandshakeFailed : .connectionReset, operation: operation,
                    peer: peer, detail: "the peer closed the connection")
            }
            return TransportError.fromErrno(savedErrno, operation: operation, peer: peer)
        }
        return TransportError(
            kind: operation == .handshake ? .tlsHandshakeFailed : .tlsFailed, operation: operation, peer: peer,
            detail: queue ?? "OpenSSL error \(code)")
    }
}

/// The process-wide BIO method of `socket_bio.h` (recv/send with MSG_NOSIGNAL). Created once,
/// never mutated or freed afterwards: hence `@unchecked Sendable`.
private final class SocketBIOMethod: @unchecked Sendable {
    static let shared = SocketBIOMethod()
    /// Nil only if OpenSSL could not allocate it; sessions then fail to start.
    let pointer: OpaquePointer?

    private init() {
        pointer = copenssl_socket_bio_method_new()
    }
}

extension TLSSession.Step {
    fileprivate func map<Other: Sendable>(_ transform: (Value) -> Other) -> TLSSession.Step<Other> {
        switch self {
        case .done(let value): .done(transform(value))
        case .wants(let interest): .wants(interest)
        }
    }
}
