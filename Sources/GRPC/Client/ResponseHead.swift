public import HTTP2

/// Reading what a server answered (PROTOCOL-HTTP2.md, "Responses"): response headers, trailers,
/// and trailers-only responses, including answers from proxies that do not speak gRPC.
public enum ResponseHead {
    /// Valid response headers: the encoding of response messages and the initial metadata.
    public struct Accepted: Hashable, Sendable {
        public var encoding: CompressionAlgorithm
        public var metadata: Metadata
    }

    /// Checks response headers that do not end the stream. A failure is the call's status.
    public static func accept(_ fields: [HeaderField], supportedEncodings: [CompressionAlgorithm]) -> Result<
        Accepted, GRPCStatus
    > {
        if let failure = httpFailure(fields) { return .failure(failure) }
        var encoding = CompressionAlgorithm.identity
        if let name = value(GRPCHeaders.encoding, in: fields), name != CompressionAlgorithm.identity.rawValue {
            guard let algorithm = CompressionAlgorithm(rawValue: name), supportedEncodings.contains(algorithm) else {
                return .failure(GRPCStatus(.internalError, "the server used unsupported grpc-encoding \(name)"))
            }
            encoding = algorithm
        }
        return .success(Accepted(encoding: encoding, metadata: Metadata(headers: fields)))
    }

    /// The status of a trailers-only response (headers with END_STREAM).
    public static func statusOfTrailersOnly(_ fields: [HeaderField]) -> GRPCStatus {
        if let failure = httpFailure(fields), value(GRPCHeaders.status, in: fields) == nil { return failure }
        return status(fromTrailers: fields)
    }

    /// The status in trailers; a missing `grpc-status` is UNKNOWN (nothing says how it went).
    public static func status(fromTrailers fields: [HeaderField]) -> GRPCStatus {
        guard let text = value(GRPCHeaders.status, in: fields), let code = Int(text) else {
            return GRPCStatus(.unknown, "the server sent no grpc-status")
        }
        let message = value(GRPCHeaders.message, in: fields).map(StatusMessageEncoding.decode) ?? ""
        return GRPCStatus(GRPCStatus.Code(wireValue: code), message)
    }

    /// A response that is not a gRPC success at the HTTP level: a non-200 status (mapped per
    /// the HTTP-to-gRPC table) or a content type other than gRPC.
    static func httpFailure(_ fields: [HeaderField]) -> GRPCStatus? {
        let statusText = value(":status", in: fields) ?? ""
        guard statusText == "200" else {
            let status = Int(statusText) ?? 0
            return GRPCStatus(StatusMapping.code(forHTTPStatus: status), "HTTP status \(statusText)")
        }
        guard let contentType = value(GRPCHeaders.contentType, in: fields),
            GRPCHeaders.isGRPCContentType(contentType)
        else {
            return GRPCStatus(.unknown, "the response is not gRPC (content-type)")
        }
        return nil
    }

    static func value(_ name: String, in fields: [HeaderField]) -> String? {
        fields.first { $0.name == name }?.value
    }
}
