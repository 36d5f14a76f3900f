/// Header names and values the protocol owns (PROTOCOL-HTTP2.md).
enum GRPCHeaders {
    static let contentType = "content-type"
    /// Plain `application/grpc` means protobuf; `+proto`, `+json`... name other codecs.
    static let contentTypeValue = "application/grpc"
    static let te = "te"
    static let status = "grpc-status"
    static let message = "grpc-message"
    static let timeout = "grpc-timeout"
    static let encoding = "grpc-encoding"
    static let acceptEncoding = "grpc-accept-encoding"
    static let userAgent = "user-agent"
    static let userAgentValue = "grpc-swift-pgswarm/1.0"

    /// True for `application/grpc` and `application/grpc+anything` (`;` parameters allowed).
    static func isGRPCContentType(_ value: String) -> Bool {
        let lowered = value.lowercased()
        guard lowered.hasPrefix(contentTypeValue) else { return false }
        let rest = lowered.dropFirst(contentTypeValue.count)
        return rest.isEmpty || rest.hasPrefix("+") || rest.hasPrefix(";")
    }
}
