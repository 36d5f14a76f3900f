public import HTTP2

/// How failures below gRPC become a gRPC status: one table for the whole module, from the
/// gRPC documents "HTTP to gRPC Status Code Mapping" (doc/http-grpc-status-mapping.md) and
/// PROTOCOL-HTTP2.md "Errors".
public enum StatusMapping {
    /// Which side sent a RST_STREAM: CANCEL means different things from each (PROTOCOL-HTTP2.md).
    public enum ResetSender: Hashable, Sendable {
        case client
        case server
    }

    /// A response whose `:status` is not 200 carries no gRPC status of its own: the code comes
    /// from the HTTP status, since a proxy or load balancer answered, not a gRPC server.
    public static func code(forHTTPStatus status: Int) -> GRPCStatus.Code {
        switch status {
        case 400: .internalError
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .unimplemented
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }

    /// The status of a call whose stream was reset before it ended with trailers.
    public static func status(forReset code: HTTP2ErrorCode, sentBy sender: ResetSender) -> GRPCStatus {
        switch code {
        case .refusedStream:
            // No processing happened: the call may be retried, possibly elsewhere.
            GRPCStatus(.unavailable, "stream refused by the server (REFUSED_STREAM)")
        case .cancel:
            switch sender {
            case .server: GRPCStatus(.cancelled, "stream cancelled by the server (CANCEL)")
            case .client: GRPCStatus(.cancelled, "call cancelled by the client")
            }
        case .enhanceYourCalm:
            GRPCStatus(.resourceExhausted, "peer asked us to calm down (ENHANCE_YOUR_CALM): bandwidth exhausted")
        case .inadequateSecurity:
            GRPCStatus(.permissionDenied, "transport not secure enough for this call (INADEQUATE_SECURITY)")
        case .noError, .protocolError, .internalError, .flowControlError, .settingsTimeout, .streamClosed,
            .frameSizeError, .compressionError, .connectError, .http11Required, .unknown:
            GRPCStatus(.internalError, "stream reset with \(code)")
        }
    }

    /// The status of calls on a connection that failed or was closed by the peer before they ended.
    /// Every such call is UNAVAILABLE: the transport, not the call, failed.
    public static func status(forConnectionError code: HTTP2ErrorCode, reason: String) -> GRPCStatus {
        GRPCStatus(.unavailable, "connection closed (\(code)): \(reason)")
    }
}
