/// A message encoding named in `grpc-encoding` and `grpc-accept-encoding` (doc/compression.md).
public enum CompressionAlgorithm: String, CaseIterable, Hashable, Sendable {
    /// No compression; messages never carry the compressed flag.
    case identity
    /// gzip (RFC 1952), the encoding every gRPC implementation supports.
    case gzip
    /// zlib-wrapped deflate (RFC 1950), as gRPC's "deflate" means.
    case deflate

    /// Parses a `grpc-accept-encoding` value ("gzip, deflate"): the known names, in order;
    /// unknown names are skipped because the peer may support more than we do.
    public static func parseList(_ value: String) -> [CompressionAlgorithm] {
        value.split(separator: ",").compactMap { name in
            CompressionAlgorithm(rawValue: name.trimmingWhitespace().lowercased())
        }
    }

    /// The `grpc-accept-encoding` value announcing `algorithms`.
    public static func listValue(_ algorithms: [CompressionAlgorithm]) -> String {
        algorithms.map(\.rawValue).joined(separator: ",")
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
