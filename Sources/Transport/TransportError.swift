/// The one error type of the Transport module.
///
/// It names what failed (`kind`), the operation that failed, the peer when known, and the raw
/// cause (`errno`, resolver or OpenSSL text). It never carries payload bytes or key material:
/// `detail` holds only library-produced diagnostic strings.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a caller would branch on it.
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The peer actively refused the connection (ECONNREFUSED).
        case connectionRefused
        /// The peer reset the connection, or we wrote after it closed (ECONNRESET, EPIPE).
        case connectionReset
        /// No route to the peer's network or host (ENETUNREACH, EHOSTUNREACH).
        case unreachable
        /// The operation's deadline passed before it could complete.
        case timedOut
        /// The stream or listener was closed locally before or during the operation.
        case closed
        /// The host name could not be resolved to any address.
        case addressResolutionFailed
        /// The local address is taken (EADDRINUSE) or not available here (EADDRNOTAVAIL).
        case addressUnavailable
        /// TLS settings or files (certificates, keys, CA bundles) were rejected.
        case tlsConfigurationInvalid
        /// The peer's certificate did not verify (unknown CA, expired, wrong host name...).
        case certificateVerificationFailed
        /// The TLS handshake failed for another reason (alert from the peer, protocol error).
        case tlsHandshakeFailed
        /// The peer did not agree on an application protocol we require (ALPN).
        case applicationProtocolNotNegotiated
        /// TLS failed after the handshake (bad record, alert).
        case tlsFailed
        /// Any other failing system call; `errno` says which.
        case systemCallFailed
    }

    /// The operation that failed.
    public enum Operation: String, Sendable, Equatable, CaseIterable {
        case resolve, socket, bind, listen, accept, connect, read, write, wait
        case configureTLS = "configure TLS"
        case handshake
    }

    public let kind: Kind
    public let operation: Operation
    /// The peer address or name (`127.0.0.1:5432`, `central.example:443`), when known.
    public let peer: String?
    /// The `errno` of the failing system call, when there was one.
    public let errno: Int32?
    /// A diagnostic from the library that failed (OpenSSL error queue, resolver message).
    public let detail: String?

    public init(
        kind: Kind, operation: Operation, peer: String? = nil, errno: Int32? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.peer = peer
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = "\(operation.rawValue) failed: \(kind)"
        if let peer { text += " (peer \(peer))" }
        if let errno { text += " [errno \(errno): \(SystemError.message(errno))]" }
        if let detail { text += ": \(detail)" }
        return text
    }
}

extension TransportError {
    /// Translates an `errno` from a socket call into a typed error, once, at the boundary.
    static func fromErrno(_ code: Int32, operation: Operation, peer: String?) -> TransportError {
        TransportError(kind: SystemError.kind(of: code), operation: operation, peer: peer, errno: code)
    }
}
