/// A protocol violation detected in what the peer sent (RFC 9113 §5.4).
///
/// `scope` says what the violation costs: a `.stream` error resets one stream
/// with RST_STREAM and the connection goes on; a `.connection` error ends the
/// connection with GOAWAY. `HTTP2Connection.receive` queues that GOAWAY (with
/// this `code` and the last processed stream id) before it throws, so the
/// caller still has bytes to send before closing the socket.
public struct HTTP2Error: Error, Hashable, Sendable {
    /// What a violation affects.
    public enum Scope: Hashable, Sendable {
        case connection
        case stream(StreamID)
    }

    /// The code sent to the peer in GOAWAY or RST_STREAM.
    public var code: HTTP2ErrorCode
    public var scope: Scope
    /// A human-readable reason, never containing header values or payload bytes.
    public var reason: String

    public init(code: HTTP2ErrorCode, scope: Scope, reason: String) {
        self.code = code
        self.scope = scope
        self.reason = reason
    }

    static func connection(_ code: HTTP2ErrorCode, _ reason: String) -> HTTP2Error {
        HTTP2Error(code: code, scope: .connection, reason: reason)
    }

    static func stream(_ id: StreamID, _ code: HTTP2ErrorCode, _ reason: String) -> HTTP2Error {
        HTTP2Error(code: code, scope: .stream(id), reason: reason)
    }
}

extension HTTP2Error: CustomStringConvertible {
    public var description: String {
        switch scope {
        case .connection: "HTTP/2 connection error \(code): \(reason)"
        case .stream(let id): "HTTP/2 stream \(id) error \(code): \(reason)"
        }
    }
}
