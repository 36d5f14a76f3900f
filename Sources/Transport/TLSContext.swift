import COpenSSL

/// Owns one `SSL_CTX`. It is configured once, then only used to create sessions (`SSL_new`),
/// which OpenSSL allows from any thread: hence `@unchecked Sendable`.
final class SSLContextHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The server's ALPN preferences; the select callback borrows it, so it lives as long as
    /// the context.
    private let applicationProtocols: ALPNProtocolList

    init(server: Bool, minimumVersion: TLSVersion, applicationProtocols: ALPNProtocolList) throws(TransportError) {
        OpenSSLLibrary.initialize()
        OpenSSLError.clearQueue()
        guard let context = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw OpenSSLError.configurationError("cannot create a TLS context")
        }
        pointer = context
        self.applicationProtocols = applicationProtocols
        let version: Int32 =
            switch minimumVersion {
            case .tls12: COPENSSL_TLS1_2_VERSION
            case .tls13: COPENSSL_TLS1_3_VERSION
            }
        guard copenssl_SSL_CTX_set_min_proto_version(context, version) == 1 else {
            throw OpenSSLError.configurationError("cannot set the minimum TLS version")
        }
        // No compression (CRIME), no renegotiation (a DoS vector and unused by HTTP/2, which
        // forbids it: RFC 9113 §9.2.1). A peer closing without close_notify reads as end of
        // stream: HTTP/2 framing detects truncation itself, and many peers skip close_notify.
        var options = COPENSSL_OP_NO_COMPRESSION | COPENSSL_OP_NO_RENEGOTIATION | COPENSSL_OP_IGNORE_UNEXPECTED_EOF
        if server { options |= COPENSSL_OP_CIPHER_SERVER_PREFERENCE }
        _ = copenssl_SSL_CTX_set_options(context, options)
        // Partial writes let `write` make progress record by record; a moving buffer is needed
        // because a Swift array may be at a different address when a write is retried. Idle
        // connections give their record buffers back (about 34 KiB each): central holds one
        // mostly idle connection per satellite, thousands of them.
        _ = copenssl_SSL_CTX_set_mode(
            context,
            COPENSSL_MODE_ENABLE_PARTIAL_WRITE | COPENSSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                | COPENSSL_MODE_RELEASE_BUFFERS)
        if server {
            applicationProtocols.installSelectCallback(on: context)
        } else if !applicationProtocols.isEmpty {
            guard applicationProtocols.offer(on: context) else {
                throw OpenSSLError.configurationError("cannot set the ALPN protocols")
            }
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    func loadCertificateChain(file: String, privateKeyFile: String) throws(TransportError) {
        OpenSSLError.clearQueue()
        guard SSL_CTX_use_certificate_chain_file(pointer, file) == 1 else {
            throw OpenSSLError.configurationError("cannot load the certificate chain from \(file)")
        }
        guard SSL_CTX_use_PrivateKey_file(pointer, privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw OpenSSLError.configurationError("cannot load the private key from \(privateKeyFile)")
        }
        guard SSL_CTX_check_private_key(pointer) == 1 else {
            throw OpenSSLError.configurationError("the private key in \(privateKeyFile) does not match \(file)")
        }
    }

    func trust(caFile: String) throws(TransportError) {
        OpenSSLError.clearQueue()
        guard SSL_CTX_load_verify_locations(pointer, caFile, nil) == 1 else {
            throw OpenSSLError.configurationError("cannot load trusted CAs from \(caFile)")
        }
    }
}

/// A server-side TLS context, built once from a configuration and shared by every accepted
/// connection. Building it loads and checks the files, so bad files fail at startup.
public final class TLSServerContext: Sendable {
    public let configuration: TLSServerConfiguration
    let handle: SSLContextHandle

    public init(configuration: TLSServerConfiguration) throws(TransportError) {
        self.configuration = configuration
        let protocols = try ALPNProtocolList(
            configuration.applicationProtocols, required: configuration.requiresApplicationProtocol)
        handle = try SSLContextHandle(
            server: true, minimumVersion: configuration.minimumVersion, applicationProtocols: protocols)
        try handle.loadCertificateChain(
            file: configuration.certificateChainFile, privateKeyFile: configuration.privateKeyFile)
        try configureClientAuthentication(configuration.clientAuthentication)
        // Session resumption with client verification requires a session id context.
        let sessionContext = Array("pg-swarm".utf8)
        _ = SSL_CTX_set_session_id_context(handle.pointer, sessionContext, UInt32(sessionContext.count))
    }

    private func configureClientAuthentication(
        _ authentication: TLSServerConfiguration.ClientAuthentication
    ) throws(TransportError) {
        let caFile: String
        var mode = SSL_VERIFY_PEER
        switch authentication {
        case .none:
            SSL_CTX_set_verify(handle.pointer, SSL_VERIFY_NONE, nil)
            return
        case .optional(let trustedCAFile):
            caFile = trustedCAFile
        case .required(let trustedCAFile):
            caFile = trustedCAFile
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT
        }
        try handle.trust(caFile: caFile)
        OpenSSLError.clearQueue()
        guard let names = SSL_load_client_CA_file(caFile) else {
            throw OpenSSLError.configurationError("cannot read CA names from \(caFile)")
        }
        SSL_CTX_set_client_CA_list(handle.pointer, names)
        SSL_CTX_set_verify(handle.pointer, mode, nil)
    }
}

/// A client-side TLS context, built once and shared by every outgoing connection.
public final class TLSClientContext: Sendable {
    public let configuration: TLSClientConfiguration
    let handle: SSLContextHandle

    public init(configuration: TLSClientConfiguration) throws(TransportError) {
        self.configuration = configuration
        let protocols = try ALPNProtocolList(
            configuration.applicationProtocols, required: configuration.requiresApplicationProtocol)
        handle = try SSLContextHandle(
            server: false, minimumVersion: configuration.minimumVersion, applicationProtocols: protocols)
        switch configuration.trustRoots {
        case .system:
            try trustSystemStore()
        case .caFile(let file):
            try handle.trust(caFile: file)
        case .systemAndCAFile(let file):
            try trustSystemStore()
            try handle.trust(caFile: file)
        }
        SSL_CTX_set_verify(handle.pointer, SSL_VERIFY_PEER, nil)
        if let certificate = configuration.clientCertificate {
            try handle.loadCertificateChain(
                file: certificate.certificateChainFile, privateKeyFile: certificate.privateKeyFile)
        }
    }

    private func trustSystemStore() throws(TransportError) {
        OpenSSLError.clearQueue()
        guard SSL_CTX_set_default_verify_paths(handle.pointer) == 1 else {
            throw OpenSSLError.configurationError("cannot load the system trust store")
        }
    }
}
