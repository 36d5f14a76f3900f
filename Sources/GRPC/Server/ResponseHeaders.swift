import HTTP2

/// The header blocks a server sends (PROTOCOL-HTTP2.md, "Responses").
enum ResponseHeaders {
    /// Response-Headers: `:status 200`, the content type, the encodings, then custom metadata.
    static func initial(
        metadata: Metadata, encoding: CompressionAlgorithm, supportedEncodings: [CompressionAlgorithm]
    ) -> [HeaderField] {
        var fields = [
            HeaderField(":status", "200"), HeaderField(GRPCHeaders.contentType, GRPCHeaders.contentTypeValue),
        ]
        if encoding != .identity {
            fields.append(HeaderField(GRPCHeaders.encoding, encoding.rawValue))
        }
        fields.append(HeaderField(GRPCHeaders.acceptEncoding, CompressionAlgorithm.listValue(supportedEncodings)))
        return fields + metadata.headerFields
    }

    /// Trailers: the status, its message if any, then custom metadata.
    static func trailers(status: GRPCStatus, metadata: Metadata) -> [HeaderField] {
        var fields = [HeaderField(GRPCHeaders.status, String(status.code.rawValue))]
        if !status.message.isEmpty {
            fields.append(HeaderField(GRPCHeaders.message, StatusMessageEncoding.encode(status.message)))
        }
        return fields + metadata.headerFields
    }

    /// Trailers-Only: one HEADERS frame with END_STREAM carrying both (no message was sent).
    static func trailersOnly(
        status: GRPCStatus, metadata: Metadata, supportedEncodings: [CompressionAlgorithm]
    ) -> [HeaderField] {
        [
            HeaderField(":status", "200"), HeaderField(GRPCHeaders.contentType, GRPCHeaders.contentTypeValue),
            HeaderField(GRPCHeaders.acceptEncoding, CompressionAlgorithm.listValue(supportedEncodings)),
        ] + trailers(status: status, metadata: metadata)
    }

    /// A plain HTTP answer to something that is not a gRPC request.
    static func httpRejection(status: Int, reason: String) -> [HeaderField] {
        [
            HeaderField(":status", String(status)), HeaderField(GRPCHeaders.contentType, "text/plain"),
            HeaderField(GRPCHeaders.status, String(GRPCStatus.Code.internalError.rawValue)),
            HeaderField(GRPCHeaders.message, StatusMessageEncoding.encode(reason)),
        ]
    }
}
