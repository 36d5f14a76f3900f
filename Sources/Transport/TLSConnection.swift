/// A TLS stream over a `TCPConnection`, as a `ByteStream`.
///
/// Create one with `connect(over:context:serverName:deadline:)` (client) or
/// `accept(over:context:deadline:)` (server); both run the handshake and close the socket if
/// it fails. OpenSSL's WANT_READ / WANT_WRITE become waits on the event loop.
public final class TLSConnection: ByteStream {
    private let tcp: TCPConnection
    private let session: TLSSession

    /// The ALPN protocol both sides agreed on (`"h2"`), or nil if none was negotiated.
    public let negotiatedProtocol: String?
    /// The TLS version in use, e.g. `TLSv1.3`.
    public let protocolVersion: String
    /// The peer certificate's subject (`/CN=satellite-1`); nil if the peer sent none (always
    /// the case for clients of a server without client authentication).
    public let peerCertificateSubject: String?

    public var peerDescription: String { tcp.peerDescription }
    public var localDescription: String { tcp.localDescription }

    private init(tcp: TCPConnection, session: TLSSession) {
        self.tcp = tcp
        self.session = session
        negotiatedProtocol = session.negotiatedProtocol
        protocolVersion = session.protocolVersion
        peerCertificateSubject = session.peerCertificateSubject
    }

    /// Runs a client handshake. The server certificate must chain to the context's trust roots
    /// and match `serverName` (a DNS name, sent as SNI, or an IP literal).
    public static func connect(
        over tcp: TCPConnection, context: TLSClientContext, serverName: String, deadline: Deadline
    ) async throws -> TLSConnection {
        let requiresProtocol = context.configuration.requiresApplicationProtocol
        return try await establish(over: tcp, deadline: deadline, requiresProtocol: requiresProtocol) {
            () throws(TransportError) in
            let session = try TLSSession(
                context: context.handle, socket: tcp.handle, isServer: false, peer: tcp.peerDescription)
            try session.expectServer(named: serverName)
            return session
        }
    }

    /// Runs a server handshake on an accepted connection.
    public static func accept(
        over tcp: TCPConnection, context: TLSServerContext, deadline: Deadline
    ) async throws -> TLSConnection {
        let requiresProtocol = context.configuration.requiresApplicationProtocol
        return try await establish(over: tcp, deadline: deadline, requiresProtocol: requiresProtocol) {
            () throws(TransportError) in
            try TLSSession(context: context.handle, socket: tcp.handle, isServer: true, peer: tcp.peerDescription)
        }
    }

    private static func establish(
        over tcp: TCPConnection, deadline: Deadline, requiresProtocol: Bool,
        makeSession: () throws(TransportError) -> TLSSession
    ) async throws -> TLSConnection {
        do {
            let session = try makeSession()
            while case .wants(let interest) = try session.handshakeStep() {
                try await tcp.handle.wait(
                    for: interest, deadline: deadline, operation: .handshake, peer: tcp.peerDescription)
            }
            let connection = TLSConnection(tcp: tcp, session: session)
            if requiresProtocol && connection.negotiatedProtocol == nil {
                throw TransportError(
                    kind: .applicationProtocolNotNegotiated, operation: .handshake, peer: tcp.peerDescription,
                    detail: "the peer did not agree on any configured ALPN protocol")
            }
            return connection
        } catch {
            tcp.close()
            throw error
        }
    }

    public func read(maxBytes: Int, deadline: Deadline) async throws -> [UInt8] {
        let capacity = min(max(maxBytes, 1), TransportLimits.maximumReadSize)
        while true {
            try Task.checkCancellation()
            switch try session.readStep(capacity: capacity) {
            case .done(let bytes):
                return bytes
            case .wants(let interest):
                try await tcp.handle.wait(for: interest, deadline: deadline, operation: .read, peer: peerDescription)
            }
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline) async throws {
        var offset = 0
        while offset < bytes.count {
            try Task.checkCancellation()
            // A retry after WANT_WRITE passes the same bytes again, as OpenSSL requires.
            let count = min(bytes.count - offset, TransportLimits.maximumTLSWriteChunk)
            let step = try bytes.withUnsafeBytes { raw in
                try session.writeStep(raw.baseAddress! + offset, count: count)
            }
            switch step {
            case .done(let written):
                offset += written
            case .wants(let interest):
                try await tcp.handle.wait(for: interest, deadline: deadline, operation: .write, peer: peerDescription)
            }
        }
    }

    /// Sends close_notify if the socket can take it at once, then closes the socket.
    public func close() {
        session.sendCloseNotify()
        tcp.close()
    }
}
