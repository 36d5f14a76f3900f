/// The head of a response a client received: status, version and header fields.
public struct HTTPResponseHead: Sendable, Equatable {
    public var statusCode: Int
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(statusCode: Int, version: HTTPVersion = .http11, headers: HTTPHeaders = [:]) {
        self.statusCode = statusCode
        self.version = version
        self.headers = headers
    }

    /// Whether the server lets the connection carry another request once this response was
    /// read in full (RFC 9112 §9.3): HTTP/1.1 unless it said `Connection: close`, HTTP/1.0
    /// only with `Connection: keep-alive`.
    public var allowsReuse: Bool {
        let options = headers.values("Connection").flatMap { $0.split(separator: ",") }.map {
            String($0).trimmingSpaces.asciiLowercased
        }
        switch version {
        case .http11: return !options.contains("close")
        case .http10: return options.contains("keep-alive") && !options.contains("close")
        }
    }
}

/// Every bound the HTTP/1.1 response parser enforces, each with its reason.
public struct HTTP1ResponseLimits: Sendable, Equatable {
    /// Status line plus header section. API servers send well under 4 KiB; 64 KiB leaves room
    /// for long cookies or warnings while a hostile server cannot make the head cost memory.
    public var maximumHeadBytes: Int
    /// Header fields per response.
    public var maximumHeaderCount: Int
    /// Interim (1xx) responses skipped before the final one; a server sending them forever
    /// would otherwise keep the client reading.
    public var maximumInterimResponses: Int
    /// A chunk-size line (hex digits plus extensions).
    public var maximumChunkLineBytes: Int

    public init(
        maximumHeadBytes: Int = 64 * 1024, maximumHeaderCount: Int = 128, maximumInterimResponses: Int = 8,
        maximumChunkLineBytes: Int = 4096
    ) {
        self.maximumHeadBytes = maximumHeadBytes
        self.maximumHeaderCount = maximumHeaderCount
        self.maximumInterimResponses = maximumInterimResponses
        self.maximumChunkLineBytes = maximumChunkLineBytes
    }
}

/// Why a response could not be read. After any of these the connection cannot be framed any
/// more and must be closed.
public struct HTTP1ResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The bytes are not a well-formed HTTP/1.1 response.
        case malformed
        /// A bound of `HTTP1ResponseLimits` (or the caller's body limit) was exceeded.
        case tooLarge
        /// The connection ended before the response was complete.
        case truncated
    }

    public let kind: Kind
    public let reason: String

    public init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(kind): \(reason)" }

    static func malformed(_ reason: String) -> HTTP1ResponseError {
        HTTP1ResponseError(kind: .malformed, reason: reason)
    }
    static func tooLarge(_ reason: String) -> HTTP1ResponseError { HTTP1ResponseError(kind: .tooLarge, reason: reason) }
}
