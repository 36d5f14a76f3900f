import COpenSSL
import FoundationEssentials
import Glibc

/// The OpenSSL client context for one connection attempt, set up from libpq's `ssl*` settings.
final class WireTLSContext {
    let pointer: OpaquePointer

    /// `verifyChain` is false only for `sslmode=require` without a root certificate (encryption
    /// without authentication of the server, as libpq does).
    init(rootCertificate: String?, verifyChain: Bool, certificate: String?, key: String?) throws {
        OPENSSL_init_ssl(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw PostgresError.connectionFailed(message: "SSL_CTX_new: \(Self.lastError())")
        }
        pointer = context
        _ = copenssl_SSL_CTX_set_min_proto_version(context, COPENSSL_TLS1_2_VERSION)
        if verifyChain {
            let loaded: Int32
            if rootCertificate == "system" {
                loaded = SSL_CTX_set_default_verify_paths(context)
            } else {
                loaded = rootCertificate.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? 0
            }
            guard loaded == 1 else {
                throw PostgresError.connectionFailed(
                    message: "could not read root certificate file \"\(rootCertificate ?? "")\": \(Self.lastError())")
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        if let certificate, let key {
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                throw PostgresError.connectionFailed(
                    message: "could not read certificate file \"\(certificate)\": \(Self.lastError())")
            }
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                throw PostgresError.connectionFailed(
                    message: "could not load private key file \"\(key)\": \(Self.lastError())")
            }
        }
    }

    deinit { SSL_CTX_free(pointer) }

    static func lastError() -> String {
        var messages: [String] = []
        var code = ERR_get_error()
        while code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            code = ERR_get_error()
        }
        return messages.isEmpty ? "unknown TLS error" : messages.joined(separator: "; ")
    }
}

/// What `sslmode` and the certificate files ask of a TCP connection.
struct TLSRequirement {
    enum Mode: Equatable {
        /// `allow` tries without TLS first and with TLS if that attempt fails.
        case disable, allow, prefer, require
    }
    var mode: Mode
    var rootCertificate: String?
    var verifyChain: Bool
    var verifyHostName: Bool
    var certificate: String?
    var key: String?

    /// libpq's rules: `require` verifies the chain when a root certificate file exists;
    /// `verify-ca` and `verify-full` need one; the client certificate is used when both files exist.
    init(_ parameters: ConnectionParameters, home: String?) throws(PostgresError) {
        let sslmode = parameters["sslmode"] ?? "prefer"
        func defaultFile(_ name: String) -> String? {
            guard let home else { return nil }
            let path = home + "/.postgresql/" + name
            return access(path, R_OK) == 0 ? path : nil
        }
        rootCertificate = parameters["sslrootcert"] ?? defaultFile("root.crt")
        certificate = parameters["sslcert"] ?? defaultFile("postgresql.crt")
        key = parameters["sslkey"] ?? defaultFile("postgresql.key")
        if certificate != nil && key == nil || key != nil && certificate == nil {
            certificate = nil
            key = nil
        }
        switch sslmode {
        case "disable", "allow":
            mode = sslmode == "allow" ? .allow : .disable
            verifyChain = false
            verifyHostName = false
        case "prefer":
            mode = .prefer
            verifyChain = false
            verifyHostName = false
        default:
            mode = .require
            verifyHostName = sslmode == "verify-full"
            verifyChain = sslmode != "require" || rootCertificate != nil
            if verifyChain && rootCertificate == nil {
                throw .connectionFailed(
                    message:
                        "root certificate file \"~/.postgresql/root.crt\" does not exist: either provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification"
                )
            }
        }
    }
}
