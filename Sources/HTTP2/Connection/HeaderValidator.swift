/// Checks header lists against RFC 9113 §8.2 and §8.3. A list that fails is
/// "malformed": a stream PROTOCOL_ERROR when received (§8.1.1), a caller error when sent.
enum HeaderValidator {
    /// Which part of a message a header block is.
    enum BlockKind: Hashable, Sendable {
        case request
        /// A response's headers; 1xx responses are informational and may repeat (§8.1).
        case response
        case trailers
    }

    /// What a valid response header block is.
    enum ResponseKind: Hashable, Sendable {
        case informational
        case final
    }

    /// Connection-specific fields have no meaning in HTTP/2 (§8.2.2).
    static let connectionSpecificNames: Set<String> = [
        "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade",
    ]

    static let requestPseudoHeaders: Set<String> = [":method", ":scheme", ":authority", ":path"]

    /// Validates a block; returns the reason it is malformed, or nil.
    static func violation(in fields: [HeaderField], kind: BlockKind) -> String? {
        var seenRegular = false
        var pseudo: [String: String] = [:]
        for field in fields {
            if let reason = fieldViolation(field) { return reason }
            if field.isPseudoHeader {
                guard !seenRegular else { return "pseudo-header \(field.name) after a regular field" }
                guard pseudo.updateValue(field.value, forKey: field.name) == nil else {
                    return "duplicate pseudo-header \(field.name)"
                }
            } else {
                seenRegular = true
                if connectionSpecificNames.contains(field.name) {
                    return "connection-specific field \(field.name)"
                }
                if field.name == "te" && field.value != "trailers" {
                    return "te field other than \"trailers\""
                }
            }
        }
        switch kind {
        case .request: return requestViolation(pseudo)
        case .response: return responseViolation(pseudo)
        case .trailers: return pseudo.isEmpty ? nil : "pseudo-header in trailers"
        }
    }

    /// 1xx or final; call only on a block that passed `violation(in:kind: .response)`.
    static func responseKind(of fields: [HeaderField]) -> ResponseKind {
        let status = fields.first { $0.name == ":status" }?.value ?? ""
        return status.hasPrefix("1") ? .informational : .final
    }

    private static func requestViolation(_ pseudo: [String: String]) -> String? {
        for name in pseudo.keys where !requestPseudoHeaders.contains(name) {
            return "pseudo-header \(name) not allowed in a request"
        }
        guard let method = pseudo[":method"] else { return "request without :method" }
        if method == "CONNECT" {
            // §8.5: CONNECT names only the authority.
            guard pseudo[":authority"] != nil, pseudo[":scheme"] == nil, pseudo[":path"] == nil else {
                return "CONNECT request must have :authority and no :scheme or :path"
            }
            return nil
        }
        guard pseudo[":scheme"] != nil else { return "request without :scheme" }
        guard let path = pseudo[":path"], !path.isEmpty else { return "request without a non-empty :path" }
        return nil
    }

    private static func responseViolation(_ pseudo: [String: String]) -> String? {
        guard pseudo.count == 1, let status = pseudo[":status"] else {
            return "a response must carry exactly one pseudo-header, :status"
        }
        let digits = Array(status.utf8)
        guard digits.count == 3, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return ":status must be three digits"
        }
        // §8.6: HTTP/2 has no 101 Switching Protocols.
        return status == "101" ? ":status 101 is not allowed in HTTP/2" : nil
    }

    /// §8.2.1: lowercase names of visible ASCII (a colon only to start a pseudo-header), and
    /// values without NUL, CR, LF or surrounding whitespace.
    private static func fieldViolation(_ field: HeaderField) -> String? {
        let name = Array(field.name.utf8)
        guard !name.isEmpty else { return "empty field name" }
        for (offset, octet) in name.enumerated() {
            let isUppercase = octet >= UInt8(ascii: "A") && octet <= UInt8(ascii: "Z")
            let isColonInside = octet == UInt8(ascii: ":") && offset > 0
            guard octet > 0x20, octet < 0x7F, !isUppercase, !isColonInside else {
                return "invalid character in field name"
            }
        }
        let value = Array(field.value.utf8)
        for octet in value where octet == 0 || octet == 0x0A || octet == 0x0D {
            return "NUL, CR or LF in the value of \(field.name)"
        }
        let isWhitespace = { (octet: UInt8) in octet == 0x20 || octet == 0x09 }
        if let first = value.first, let last = value.last, isWhitespace(first) || isWhitespace(last) {
            return "leading or trailing whitespace in the value of \(field.name)"
        }
        return nil
    }
}
