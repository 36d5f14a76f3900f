public import HTTP2

/// The request header block of a call (PROTOCOL-HTTP2.md, "Requests").
public struct RequestHeaders: Sendable {
    public var path: String
    public var authority: String
    /// `http` for h2c, `https` for TLS.
    public var scheme: String
    public var timeout: Duration?
    /// The encoding of compressed request messages; `.identity` sends no `grpc-encoding`.
    public var encoding: CompressionAlgorithm
    /// What we accept for responses (`grpc-accept-encoding`).
    public var acceptedEncodings: [CompressionAlgorithm]
    public var metadata: Metadata

    public init(
        path: String, authority: String, scheme: String, timeout: Duration?, encoding: CompressionAlgorithm,
        acceptedEncodings: [CompressionAlgorithm], metadata: Metadata
    ) {
        self.path = path
        self.authority = authority
        self.scheme = scheme
        self.timeout = timeout
        self.encoding = encoding
        self.acceptedEncodings = acceptedEncodings
        self.metadata = metadata
    }

    public var fields: [HeaderField] {
        var fields = [
            HeaderField(":method", "POST"), HeaderField(":scheme", scheme), HeaderField(":path", path),
            HeaderField(":authority", authority),
            HeaderField(GRPCHeaders.contentType, GRPCHeaders.contentTypeValue), HeaderField(GRPCHeaders.te, "trailers"),
            HeaderField(GRPCHeaders.userAgent, GRPCHeaders.userAgentValue),
        ]
        if let timeout {
            fields.append(HeaderField(GRPCHeaders.timeout, GRPCTimeout.format(timeout)))
        }
        if encoding != .identity {
            fields.append(HeaderField(GRPCHeaders.encoding, encoding.rawValue))
        }
        if !acceptedEncodings.isEmpty {
            fields.append(HeaderField(GRPCHeaders.acceptEncoding, CompressionAlgorithm.listValue(acceptedEncodings)))
        }
        return fields + metadata.headerFields.filter { $0.name != GRPCHeaders.userAgent }
    }
}
