/// One header field, in the order it appears in a header list.
///
/// `isSensitive` asks the encoder for the never-indexed literal (RFC 7541 §7.1.3),
/// so that intermediaries never put the value in a compression table either.
/// Decoded fields carry it when the peer sent them never-indexed.
///
/// Values are decoded as UTF-8; octets that are not valid UTF-8 become U+FFFD.
/// (HTTP field values are ASCII in practice, and gRPC binary metadata is base64.)
public struct HeaderField: Hashable, Sendable {
    public var name: String
    public var value: String
    public var isSensitive: Bool

    public init(_ name: String, _ value: String, isSensitive: Bool = false) {
        self.name = name
        self.value = value
        self.isSensitive = isSensitive
    }

    /// The size HPACK and SETTINGS_MAX_HEADER_LIST_SIZE count: octets plus 32 (RFC 7541 §4.1).
    public var size: Int { name.utf8.count + value.utf8.count + 32 }

    public var isPseudoHeader: Bool { name.utf8.first == UInt8(ascii: ":") }
}

extension HeaderField: CustomStringConvertible {
    /// Never prints a sensitive value, so logging a header list cannot leak credentials.
    public var description: String {
        isSensitive ? "\(name): <redacted>" : "\(name): \(value)"
    }
}
