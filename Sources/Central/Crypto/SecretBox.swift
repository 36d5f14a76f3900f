import COpenSSL

/// AES-256-GCM encryption of secrets at rest (cluster database passwords).
///
/// Sealed format: version byte `1`, 12-byte random nonce, ciphertext, 16-byte tag. The
/// associated data binds a ciphertext to the row it belongs to, so a ciphertext copied into
/// another row does not decrypt.
public struct SecretBox: Sendable {
    public static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16
    static let formatVersion: UInt8 = 1

    private let key: [UInt8]
    private let random: any SecureRandom

    /// - Parameter key: exactly 32 bytes.
    public init(key: [UInt8], random: any SecureRandom = SystemSecureRandom()) throws(SecretBoxError) {
        guard key.count == Self.keyLength else { throw .invalidKey }
        self.key = key
        self.random = random
    }

    /// A key written as 64 hexadecimal characters.
    public init(hexKey: String, random: any SecureRandom = SystemSecureRandom()) throws(SecretBoxError) {
        guard let bytes = [UInt8](hexString: hexKey.filter { !$0.isWhitespace }) else {
            throw .invalidKey
        }
        try self.init(key: bytes, random: random)
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(SecretBoxError) -> [UInt8] {
        let nonce = random.bytes(Self.nonceLength)
        guard let context = EVP_CIPHER_CTX_new() else { throw .cryptoFailure }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, COPENSSL_EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceLength), nil) == 1,
            EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1
        else { throw .cryptoFailure }
        var length: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw .cryptoFailure
            }
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        guard EVP_EncryptUpdate(context, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1 else {
            throw .cryptoFailure
        }
        var total = Int(length)
        let finalOK = ciphertext.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(context, buffer.baseAddress! + total, &length)
        }
        guard finalOK == 1 else { throw .cryptoFailure }
        total += Int(length)
        var tag = [UInt8](repeating: 0, count: Self.tagLength)
        guard EVP_CIPHER_CTX_ctrl(context, COPENSSL_EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), &tag) == 1 else {
            throw .cryptoFailure
        }
        return [Self.formatVersion] + nonce + ciphertext[..<total] + tag
    }

    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(SecretBoxError) -> [UInt8] {
        guard sealed.count >= 1 + Self.nonceLength + Self.tagLength, sealed[0] == Self.formatVersion else {
            throw .malformed
        }
        let nonce = Array(sealed[1..<(1 + Self.nonceLength)])
        let body = Array(sealed[(1 + Self.nonceLength)..<(sealed.count - Self.tagLength)])
        var tag = Array(sealed[(sealed.count - Self.tagLength)...])
        guard let context = EVP_CIPHER_CTX_new() else { throw .cryptoFailure }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, COPENSSL_EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceLength), nil) == 1,
            EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1
        else { throw .cryptoFailure }
        var length: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw .cryptoFailure
            }
        }
        var plaintext = [UInt8](repeating: 0, count: body.count + 16)
        guard EVP_DecryptUpdate(context, &plaintext, &length, body, Int32(body.count)) == 1 else {
            throw .cryptoFailure
        }
        var total = Int(length)
        guard EVP_CIPHER_CTX_ctrl(context, COPENSSL_EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), &tag) == 1 else {
            throw .cryptoFailure
        }
        let finalOK = plaintext.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress! + total, &length)
        }
        guard finalOK == 1 else { throw .authenticationFailed }
        total += Int(length)
        return Array(plaintext[..<total])
    }
}

public enum SecretBoxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key is not 32 bytes (64 hexadecimal characters).
    case invalidKey
    /// Not a sealed value of a known format.
    case malformed
    /// Wrong key, wrong associated data, or tampered ciphertext.
    case authenticationFailed
    case cryptoFailure

    public var description: String {
        switch self {
        case .invalidKey: return "encryption key must be 32 bytes written as 64 hexadecimal characters"
        case .malformed: return "sealed secret has an unknown format"
        case .authenticationFailed: return "sealed secret does not authenticate (wrong key or tampered)"
        case .cryptoFailure: return "OpenSSL cipher operation failed"
        }
    }
}

/// Cryptographically secure random bytes (tokens, nonces). Injected so tests can be
/// deterministic where they need to be.
public protocol SecureRandom: Sendable {
    func bytes(_ count: Int) -> [UInt8]
}

/// OpenSSL's CSPRNG.
public struct SystemSecureRandom: SecureRandom {
    public init() {}

    public func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&out, Int32(count)) == 1, "RAND_bytes failed")
        return out
    }
}
