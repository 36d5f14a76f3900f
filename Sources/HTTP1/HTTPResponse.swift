/// A response: status, headers and a body that is either complete or streamed.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public enum Body: Sendable {
        case bytes([UInt8])
        /// Sent with chunked transfer encoding until the stream ends; the connection closes
        /// afterwards. Used for server-sent events.
        case stream(ResponseStream)
    }

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: Int, headers: HTTPHeaders = [:], stream: ResponseStream) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// The complete body, or nil for a streamed one.
    public var bodyBytes: [UInt8]? {
        if case .bytes(let bytes) = body { return bytes }
        return nil
    }
}

/// Chunks of a streamed body. `finished` runs exactly once when the server stops sending (the
/// stream ended, the client went away or a write timed out), so producers can unsubscribe.
public struct ResponseStream: Sendable {
    public let chunks: AsyncStream<[UInt8]>
    public let finished: @Sendable () -> Void

    public init(chunks: AsyncStream<[UInt8]>, finished: @escaping @Sendable () -> Void = {}) {
        self.chunks = chunks
        self.finished = finished
    }
}

/// Reason phrases for the status codes this project sends; others get a generic phrase.
public enum HTTPStatus {
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return status < 400 ? "OK" : "Error"
        }
    }
}
