/// The lowest TLS version a context accepts.
public enum TLSVersion: Sendable, Equatable, CaseIterable {
    case tls12
    case tls13
}

/// Settings for accepting TLS connections. Files are PEM. Certificate verification of clients
/// is opt-in (mutual TLS); everything else is secure by default: TLS 1.2 minimum, no
/// compression, no renegotiation.
public struct TLSServerConfiguration: Sendable, Equatable {
    /// Whether and how clients must present certificates (mutual TLS).
    public enum ClientAuthentication: Sendable, Equatable {
        /// Clients are not asked for a certificate.
        case none
        /// Clients are asked; one that sends a certificate must chain to `trustedCAFile`, one
        /// that sends none is accepted (check `TLSConnection.peerCertificateSubject`).
        case optional(trustedCAFile: String)
        /// Clients must send a certificate that chains to `trustedCAFile`.
        case required(trustedCAFile: String)
    }

    /// The server certificate followed by its intermediates.
    public var certificateChainFile: String
    /// The private key of the server certificate. Never logged or copied into errors.
    public var privateKeyFile: String
    /// Default `.none`.
    public var clientAuthentication: ClientAuthentication
    /// ALPN identifiers in server preference order. Default `["h2"]`. A client that offers ALPN
    /// without any of these is refused with a `no_application_protocol` alert (RFC 7301 §3.2).
    public var applicationProtocols: [String]
    /// Refuse clients that do not negotiate one of `applicationProtocols`. Default false.
    public var requiresApplicationProtocol: Bool
    /// Default TLS 1.2.
    public var minimumVersion: TLSVersion

    public init(
        certificateChainFile: String, privateKeyFile: String,
        clientAuthentication: ClientAuthentication = .none, applicationProtocols: [String] = ["h2"],
        requiresApplicationProtocol: Bool = false, minimumVersion: TLSVersion = .tls12
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientAuthentication = clientAuthentication
        self.applicationProtocols = applicationProtocols
        self.requiresApplicationProtocol = requiresApplicationProtocol
        self.minimumVersion = minimumVersion
    }
}

/// Settings for opening TLS connections. The server certificate is always verified, and so is
/// its host name (or IP address); there is deliberately no switch to turn either off.
public struct TLSClientConfiguration: Sendable, Equatable {
    /// Which certificate authorities the client trusts.
    public enum TrustRoots: Sendable, Equatable {
        /// The system store (OpenSSL default paths, e.g. /etc/ssl/certs; SSL_CERT_FILE applies).
        case system
        /// Only the CAs in this PEM file (a private CA, e.g. Kubernetes service-account CA).
        case caFile(String)
        /// The system store plus the CAs in this PEM file.
        case systemAndCAFile(String)
    }

    /// A client certificate for mutual TLS.
    public struct ClientCertificate: Sendable, Equatable {
        /// The client certificate followed by its intermediates (PEM).
        public var certificateChainFile: String
        /// Its private key (PEM). Never logged or copied into errors.
        public var privateKeyFile: String

        public init(certificateChainFile: String, privateKeyFile: String) {
            self.certificateChainFile = certificateChainFile
            self.privateKeyFile = privateKeyFile
        }
    }

    /// Default `.system`.
    public var trustRoots: TrustRoots
    /// Default nil (no client certificate).
    public var clientCertificate: ClientCertificate?
    /// ALPN identifiers offered, in preference order. Default `["h2"]`.
    public var applicationProtocols: [String]
    /// Fail the handshake unless the server selects one of `applicationProtocols`. Default
    /// false; gRPC clients set it, since HTTP/2 over TLS requires ALPN `h2` (RFC 9113 §3.2).
    public var requiresApplicationProtocol: Bool
    /// Default TLS 1.2.
    public var minimumVersion: TLSVersion

    public init(
        trustRoots: TrustRoots = .system, clientCertificate: ClientCertificate? = nil,
        applicationProtocols: [String] = ["h2"], requiresApplicationProtocol: Bool = false,
        minimumVersion: TLSVersion = .tls12
    ) {
        self.trustRoots = trustRoots
        self.clientCertificate = clientCertificate
        self.applicationProtocols = applicationProtocols
        self.requiresApplicationProtocol = requiresApplicationProtocol
        self.minimumVersion = minimumVersion
    }
}
