public import HTTP2

/// A request's headers, checked and parsed (PROTOCOL-HTTP2.md, "Requests").
public struct RequestHead: Sendable {
    /// `/package.Service/Method`.
    public let path: String
    public let authority: String?
    /// Custom metadata, `authorization` included (never log it).
    public let metadata: Metadata
    /// The client's budget from `grpc-timeout`.
    public let timeout: Duration?
    /// How request messages are compressed (`grpc-encoding`), `.identity` if absent.
    public let encoding: CompressionAlgorithm
    /// What the client accepts for responses (`grpc-accept-encoding`).
    public let acceptedEncodings: [CompressionAlgorithm]

    /// Why a request cannot be served, and how to answer it.
    public enum Rejection: Error, Hashable, Sendable {
        /// Not a gRPC request: answer with this HTTP status (and no gRPC semantics).
        case httpStatus(Int, reason: String)
        /// A gRPC request we cannot serve: trailers-only response with this status.
        case grpcStatus(GRPCStatus)
        /// An encoding we do not support: UNIMPLEMENTED plus `grpc-accept-encoding`.
        case unsupportedEncoding(String)
    }

    /// Parses request headers. The HTTP/2 engine already checked the pseudo-header rules.
    public static func parse(_ fields: [HeaderField], supportedEncodings: [CompressionAlgorithm]) -> Result<
        RequestHead, Rejection
    > {
        var method: String?
        var path: String?
        var authority: String?
        var contentType: String?
        var timeoutValue: String?
        var encodingValue: String?
        var acceptEncodingValue: String?
        for field in fields {
            switch field.name {
            case ":method": method = field.value
            case ":path": path = field.value
            case ":authority": authority = field.value
            case GRPCHeaders.contentType: contentType = field.value
            case GRPCHeaders.timeout: timeoutValue = field.value
            case GRPCHeaders.encoding: encodingValue = field.value
            case GRPCHeaders.acceptEncoding: acceptEncodingValue = field.value
            default: break
            }
        }
        guard method == "POST" else {
            return .failure(.httpStatus(405, reason: "gRPC requires POST"))
        }
        guard let contentType, GRPCHeaders.isGRPCContentType(contentType) else {
            // 415 keeps a non-gRPC client from reading a 200 with a gRPC error as success.
            return .failure(.httpStatus(415, reason: "content-type must be application/grpc"))
        }
        guard let path, path.hasPrefix("/") else {
            return .failure(.grpcStatus(GRPCStatus(.unimplemented, "malformed method path")))
        }
        var timeout: Duration?
        if let timeoutValue {
            guard let parsed = GRPCTimeout.parse(timeoutValue) else {
                return .failure(.grpcStatus(GRPCStatus(.internalError, "malformed grpc-timeout")))
            }
            timeout = parsed
        }
        var encoding = CompressionAlgorithm.identity
        if let encodingValue, encodingValue != CompressionAlgorithm.identity.rawValue {
            guard let algorithm = CompressionAlgorithm(rawValue: encodingValue), supportedEncodings.contains(algorithm)
            else { return .failure(.unsupportedEncoding(encodingValue)) }
            encoding = algorithm
        }
        return .success(
            RequestHead(
                path: path, authority: authority, metadata: Metadata(headers: fields), timeout: timeout,
                encoding: encoding,
                acceptedEncodings: acceptEncodingValue.map(CompressionAlgorithm.parseList) ?? []))
    }
}
