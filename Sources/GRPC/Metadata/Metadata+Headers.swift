public import HTTP2

/// Converting metadata to and from HTTP/2 header fields (PROTOCOL-HTTP2.md, "Custom-Metadata").
extension Metadata {
    /// Header names that carry credentials: sent never-indexed (RFC 7541 §7.1.3), so that no
    /// HPACK table (ours or a proxy's) keeps them, and never logged.
    static let sensitiveKeys: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// Keys the protocol owns. They are dropped when received as metadata and refused when sent.
    public static func isReserved(_ key: String) -> Bool {
        key.hasPrefix(":") || key.hasPrefix("grpc-") || key == "content-type" || key == "te"
            || HTTP2ReservedNames.connectionSpecific.contains(key)
    }

    /// Custom metadata from received header fields: reserved fields skipped, `-bin` values
    /// base64-decoded (a value that is not base64 is dropped: it cannot be what was meant).
    public init(headers: [HeaderField]) {
        for field in headers where !Self.isReserved(field.name) {
            if field.name.hasSuffix(Self.binarySuffix) {
                // A peer may join several binary values with commas (the HTTP list form).
                for part in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                    if let bytes = Base64.decode(String(part).trimmingCharacters()) {
                        add(field.name, binary: bytes)
                    }
                }
            } else {
                add(field.name, field.value)
            }
        }
    }

    /// The header fields for this metadata. Entries that are reserved, have an invalid key, or
    /// a text value that is not printable ASCII are left out rather than break the call.
    public var headerFields: [HeaderField] {
        entries.compactMap { entry in
            guard !Self.isReserved(entry.key), Self.isValidKey(entry.key) else { return nil }
            let sensitive = Self.sensitiveKeys.contains(entry.key)
            switch entry.value {
            case .string(let text):
                guard Self.isValidTextValue(text) else { return nil }
                return HeaderField(entry.key, text, isSensitive: sensitive)
            case .binary(let bytes):
                guard entry.key.hasSuffix(Self.binarySuffix) else { return nil }
                return HeaderField(entry.key, Base64.encode(bytes), isSensitive: sensitive)
            }
        }
    }

    /// Keys: 0-9 a-z _ - . (PROTOCOL-HTTP2.md, "Header-Name").
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            }
    }

    /// ASCII-Value: printable ASCII, space included (0x20...0x7E), no leading or trailing space,
    /// which HTTP/2 forbids (RFC 9113 §8.2.1).
    static func isValidTextValue(_ value: String) -> Bool {
        let bytes = value.utf8
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { return false }
        return bytes.first != 0x20 && bytes.last != 0x20
    }
}

/// Names HTTP/2 forbids in any header list (RFC 9113 §8.2.2).
enum HTTP2ReservedNames {
    static let connectionSpecific: Set<String> = [
        "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade",
    ]
}

extension String {
    func trimmingCharacters() -> String {
        Substring(self).trimmingWhitespace()
    }
}
