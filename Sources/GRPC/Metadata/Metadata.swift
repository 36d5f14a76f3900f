/// Custom metadata of a call: ordered key-value pairs sent as HTTP/2 header fields.
///
/// Keys are lowercase. A key ending in `-bin` carries bytes (base64 on the wire); any other key
/// carries printable ASCII. Keys may repeat. Reserved keys (pseudo-headers, `content-type`,
/// `te`, `grpc-*`) belong to the protocol and are never exposed or sent as metadata.
public struct Metadata: Hashable, Sendable {
    /// One value, text or binary according to its key.
    public enum Value: Hashable, Sendable {
        case string(String)
        case binary([UInt8])
    }

    public struct Entry: Hashable, Sendable {
        public let key: String
        public let value: Value
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Adds a text value. The key is lowercased; a key ending in `-bin` gets the value's UTF-8 bytes.
    public mutating func add(_ key: String, _ value: String) {
        let key = key.lowercased()
        if key.hasSuffix(Self.binarySuffix) {
            entries.append(Entry(key: key, value: .binary(Array(value.utf8))))
        } else {
            entries.append(Entry(key: key, value: .string(value)))
        }
    }

    /// Adds a binary value; the key must end in `-bin` (otherwise the entry is not sent).
    public mutating func add(_ key: String, binary value: [UInt8]) {
        entries.append(Entry(key: key.lowercased(), value: .binary(value)))
    }

    public mutating func removeAll(_ key: String) {
        let key = key.lowercased()
        entries.removeAll { $0.key == key }
    }

    /// The first text value of `key`.
    public subscript(key: String) -> String? {
        let key = key.lowercased()
        for entry in entries where entry.key == key {
            if case .string(let text) = entry.value { return text }
        }
        return nil
    }

    /// The first binary value of `key` (which ends in `-bin`).
    public func binaryValue(_ key: String) -> [UInt8]? {
        let key = key.lowercased()
        for entry in entries where entry.key == key {
            if case .binary(let bytes) = entry.value { return bytes }
        }
        return nil
    }

    public func values(_ key: String) -> [Value] {
        let key = key.lowercased()
        return entries.filter { $0.key == key }.map(\.value)
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    static let binarySuffix = "-bin"
}

extension Metadata {
    /// Text entries, in order.
    public init(_ pairs: [(String, String)]) {
        for (key, value) in pairs {
            add(key, value)
        }
    }
}

extension Metadata: Sequence {
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}

extension Metadata: CustomStringConvertible {
    /// Keys only, plus values of keys known to be harmless: metadata may carry credentials.
    public var description: String {
        "[" + entries.map(\.key).joined(separator: ", ") + "]"
    }
}
