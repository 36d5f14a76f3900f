import COpenSSL
import FoundationEssentials

/// PostgreSQL's `md5` password answer: "md5" + hex(md5(hex(md5(password + user)) + salt)).
func md5PasswordResponse(user: String, password: String, salt: [UInt8]) -> String {
    let inner = hexString(digest(Array(password.utf8) + Array(user.utf8), EVP_md5()))
    return "md5" + hexString(digest(Array(inner.utf8) + salt, EVP_md5()))
}

/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: no channel
/// binding, an empty user name (the server takes it from the startup message). The server's final
/// signature is checked, so a server that does not know the password cannot pass for one.
///
/// Passwords are used as UTF-8 without SASLprep normalisation; they differ from libpq's only for
/// passwords with characters that normalisation changes (e.g. compatibility forms).
struct SCRAMClient {
    private let password: [UInt8]
    private let clientNonce: String
    private let user: String
    private var clientFirstBare: String { "n=\(user),r=\(clientNonce)" }
    private var expectedServerSignature: [UInt8]?

    /// `nonce` and `user` are for tests (RFC 7677's example); by default 18 random bytes, base64,
    /// and the empty name PostgreSQL expects.
    init(password: String, nonce: String? = nil, user: String = "") {
        self.password = Array(password.utf8)
        self.user = user
        clientNonce = nonce ?? Data(randomBytes(18)).base64EncodedString()
    }

    /// The SASLInitialResponse data.
    var firstMessage: [UInt8] { Array(("n,," + clientFirstBare).utf8) }

    /// Answers the server's first message (nonce, salt, iterations) with the proof.
    mutating func answer(serverFirst data: [UInt8]) throws(PostgresError) -> [UInt8] {
        let serverFirst = String(decoding: data, as: UTF8.self)
        let attributes = Self.attributes(serverFirst)
        guard let nonce = attributes["r"], nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count,
            let saltText = attributes["s"], let salt = Data(base64Encoded: saltText),
            let iterationText = attributes["i"], let iterations = Int32(iterationText), iterations > 0
        else {
            throw .connectionFailed(message: "malformed SCRAM server-first-message")
        }
        let salted = pbkdf2(password: password, salt: Array(salt), iterations: iterations)
        let clientKey = hmac(key: salted, Array("Client Key".utf8))
        let storedKey = digest(clientKey, EVP_sha256())
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let signature = hmac(key: storedKey, authMessage)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        let serverKey = hmac(key: salted, Array("Server Key".utf8))
        expectedServerSignature = hmac(key: serverKey, authMessage)
        return Array("\(withoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Checks the server's final message: it must prove the server knows the password too.
    func verify(serverFinal data: [UInt8]) throws(PostgresError) {
        let attributes = Self.attributes(String(decoding: data, as: UTF8.self))
        if let error = attributes["e"] { throw .connectionFailed(message: "SCRAM authentication failed: \(error)") }
        guard let expected = expectedServerSignature, let text = attributes["v"],
            let signature = Data(base64Encoded: text), constantTimeEqual(Array(signature), expected)
        else {
            throw .connectionFailed(message: "the server's SCRAM signature is wrong: it does not know the password")
        }
    }

    private static func attributes(_ message: String) -> [Character: String] {
        var result: [Character: String] = [:]
        for part in message.split(separator: ",") where part.count >= 2 && part.dropFirst().first == "=" {
            result[part.first!] = String(part.dropFirst(2))
        }
        return result
    }
}

// MARK: OpenSSL primitives

private func digest(_ data: [UInt8], _ type: OpaquePointer?) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = data.withUnsafeBytes { raw in EVP_Digest(raw.baseAddress, raw.count, &output, &length, type, nil) }
    precondition(ok == 1, "EVP_Digest failed")
    return Array(output[..<Int(length)])
}

private func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: 32)
    var length = 0
    let ok = EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, key, key.count, data, data.count, &output, 32, &length)
    precondition(ok != nil && length == 32, "HMAC-SHA-256 failed")
    return output
}

private func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int32) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: 32)
    let ok = password.withUnsafeBufferPointer { pass in
        pass.withMemoryRebound(to: CChar.self) { chars in
            PKCS5_PBKDF2_HMAC(
                chars.baseAddress, Int32(chars.count), salt, Int32(salt.count), iterations, EVP_sha256(), 32, &output)
        }
    }
    precondition(ok == 1, "PBKDF2 failed")
    return output
}

private func randomBytes(_ count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    precondition(RAND_bytes(&bytes, Int32(count)) == 1, "RAND_bytes failed")
    return bytes
}

private func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    guard left.count == right.count else { return false }
    return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}

private func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
}
