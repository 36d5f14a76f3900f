import COpenSSL
import Foundation

/// A certificate and its private key, both PEM. The key is a secret: never logged.
struct PEMCredential: Sendable, Equatable {
    var certificate: String
    var privateKey: String
}

/// Why the development certificate authority could not be created, loaded or used.
public struct DevelopmentCAError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Issues the X.509 certificates of central's development CA through OpenSSL: a self-signed
/// CA and server certificates it signs. Keys are P-256 (small, fast handshakes, supported by
/// every gRPC implementation); signatures SHA-256.
enum X509Issuer {
    /// A self-signed CA that may sign end-entity certificates only (pathlen 0).
    static func certificateAuthority(
        commonName: String, notBefore: Date, notAfter: Date, serial: [UInt8]
    ) throws(DevelopmentCAError) -> PEMCredential {
        guard let key = copenssl_generate_p256_key() else { throw DevelopmentCAError("cannot generate a key") }
        defer { EVP_PKEY_free(key) }
        let certificate = try newCertificate(
            subject: commonName, key: key, notBefore: notBefore, notAfter: notAfter, serial: serial)
        defer { X509_free(certificate) }
        guard X509_set_issuer_name(certificate, X509_get_subject_name(certificate)) == 1 else {
            throw DevelopmentCAError("cannot set the CA's issuer name")
        }
        try addExtensions(
            to: certificate, issuer: certificate,
            [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw DevelopmentCAError("cannot sign the CA") }
        return PEMCredential(certificate: try pem(certificate: certificate), privateKey: try pem(privateKey: key))
    }

    /// A server certificate for `names` (DNS names and IP addresses), signed by `issuer`.
    static func serverCertificate(
        names: [String], issuer: PEMCredential, notBefore: Date, notAfter: Date, serial: [UInt8]
    ) throws(DevelopmentCAError) -> PEMCredential {
        guard let first = names.first else { throw DevelopmentCAError("a server certificate needs a name") }
        let issuerCertificate = try certificate(fromPEM: issuer.certificate)
        defer { X509_free(issuerCertificate) }
        let issuerKey = try privateKey(fromPEM: issuer.privateKey)
        defer { EVP_PKEY_free(issuerKey) }
        guard let key = copenssl_generate_p256_key() else { throw DevelopmentCAError("cannot generate a key") }
        defer { EVP_PKEY_free(key) }
        let certificate = try newCertificate(
            subject: first, key: key, notBefore: notBefore, notAfter: notAfter, serial: serial)
        defer { X509_free(certificate) }
        guard X509_set_issuer_name(certificate, X509_get_subject_name(issuerCertificate)) == 1 else {
            throw DevelopmentCAError("cannot set the issuer name")
        }
        let alternativeNames = names.map { SubjectName.isIPAddress($0) ? "IP:\($0)" : "DNS:\($0)" }
        try addExtensions(
            to: certificate, issuer: issuerCertificate,
            [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
                (NID_subject_alt_name, alternativeNames.joined(separator: ",")),
            ])
        guard X509_sign(certificate, issuerKey, EVP_sha256()) > 0 else {
            throw DevelopmentCAError("cannot sign the server certificate")
        }
        return PEMCredential(certificate: try pem(certificate: certificate), privateKey: try pem(privateKey: key))
    }

    /// Whether `credential`'s key belongs to its certificate, and (with `issuer`) whether the
    /// issuer's key signed it.
    static func isConsistent(_ credential: PEMCredential, signedBy issuer: PEMCredential? = nil) -> Bool {
        guard let certificate = try? certificate(fromPEM: credential.certificate) else { return false }
        defer { X509_free(certificate) }
        guard let key = try? privateKey(fromPEM: credential.privateKey) else { return false }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else { return false }
        guard let issuer else { return true }
        guard let issuerCertificate = try? self.certificate(fromPEM: issuer.certificate) else { return false }
        defer { X509_free(issuerCertificate) }
        guard let issuerKey = X509_get0_pubkey(issuerCertificate) else { return false }
        return X509_verify(certificate, issuerKey) == 1
    }

    /// When the certificate stops being valid.
    static func expiry(ofCertificatePEM text: String) throws(DevelopmentCAError) -> Date {
        let certificate = try certificate(fromPEM: text)
        defer { X509_free(certificate) }
        var parts = tm()
        guard let notAfter = X509_get0_notAfter(certificate), ASN1_TIME_to_tm(notAfter, &parts) == 1 else {
            throw DevelopmentCAError("cannot read the certificate's expiry")
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    // MARK: Plumbing

    private static func newCertificate(
        subject: String, key: OpaquePointer, notBefore: Date, notAfter: Date, serial: [UInt8]
    ) throws(DevelopmentCAError) -> OpaquePointer {
        guard let certificate = X509_new() else { throw DevelopmentCAError("out of memory") }
        do throws(DevelopmentCAError) {
            // Version 3 (the value is zero-based), needed for extensions.
            guard X509_set_version(certificate, 2) == 1 else { throw DevelopmentCAError("cannot set the version") }
            var serialBytes = serial
            serialBytes[0] &= 0x7f  // positive, as RFC 5280 §4.1.2.2 requires
            guard let number = BN_bin2bn(serialBytes, Int32(serialBytes.count), nil) else {
                throw DevelopmentCAError("out of memory")
            }
            defer { BN_free(number) }
            guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil,
                ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(notBefore.timeIntervalSince1970)) != nil,
                ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(notAfter.timeIntervalSince1970)) != nil,
                X509_set_pubkey(certificate, key) == 1
            else { throw DevelopmentCAError("cannot fill in the certificate") }
            let name = X509_get_subject_name(certificate)
            let added = X509_NAME_add_entry_by_txt(name, "CN", COPENSSL_MBSTRING_ASC, subject, -1, -1, 0)
            guard added == 1 else { throw DevelopmentCAError("cannot set the subject name \(subject)") }
            return certificate
        } catch {
            X509_free(certificate)
            throw error
        }
    }

    private static func addExtensions(
        to certificate: OpaquePointer, issuer: OpaquePointer, _ extensions: [(Int32, String)]
    ) throws(DevelopmentCAError) {
        var context = X509V3_CTX()
        copenssl_X509V3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let extensionValue = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw DevelopmentCAError("cannot build the certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(extensionValue) }
            guard X509_add_ext(certificate, extensionValue, -1) == 1 else {
                throw DevelopmentCAError("cannot add the certificate extension \(value)")
            }
        }
    }

    private static func pem(certificate: OpaquePointer) throws(DevelopmentCAError) -> String {
        try withMemoryBIO { bio in PEM_write_bio_X509(bio, certificate) == 1 }
    }

    private static func pem(privateKey: OpaquePointer) throws(DevelopmentCAError) -> String {
        try withMemoryBIO { bio in PEM_write_bio_PrivateKey(bio, privateKey, nil, nil, 0, nil, nil) == 1 }
    }

    private static func withMemoryBIO(_ write: (OpaquePointer) -> Bool) throws(DevelopmentCAError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw DevelopmentCAError("out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) else { throw DevelopmentCAError("cannot encode PEM") }
        var data: UnsafeMutablePointer<CChar>?
        let count = copenssl_BIO_get_mem_data(bio, &data)
        guard let data, count > 0 else { throw DevelopmentCAError("cannot encode PEM") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
    }

    static func certificate(fromPEM text: String) throws(DevelopmentCAError) -> OpaquePointer {
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let parsed else { throw DevelopmentCAError("not a PEM certificate") }
        return parsed
    }

    static func privateKey(fromPEM text: String) throws(DevelopmentCAError) -> OpaquePointer {
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let parsed else { throw DevelopmentCAError("not a PEM private key") }
        return parsed
    }
}

/// Names a server certificate is issued for.
enum SubjectName {
    static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    /// A DNS name (letters, digits, hyphens, dots; `*.` allowed first) or an IP address.
    static func isValid(_ name: String) -> Bool {
        if isIPAddress(name) { return true }
        guard !name.isEmpty, name.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return labels.enumerated().allSatisfy { index, label in
            if index == 0 && label == "*" && labels.count > 1 { return true }
            return !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
