import TextBasics

/// One parsed HTTP/1.1 request with its whole body (bodies are small and bounded by
/// `HTTP1Limits.maximumBodyBytes`).
public struct HTTPRequest: Sendable, Equatable {
    /// Upper-case method token, e.g. `GET`.
    public var method: String
    /// The request target as sent, e.g. `/api/v1/events?limit=10`.
    public var target: String
    /// `1.1` or `1.0`.
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Client address for access logs, e.g. `127.0.0.1:53122`.
    public var remoteAddress: String

    public init(
        method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = [:],
        body: [UInt8] = [], remoteAddress: String = "local"
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The target's path, still percent-encoded (decode per segment, after splitting on `/`).
    public var path: Substring {
        target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
    }

    /// The target's query string without `?`, or empty.
    public var queryString: Substring {
        target.firstIndex(of: "?").map { target[target.index(after: $0)...] } ?? ""
    }

    /// Query parameters in order; `+` means space, percent escapes are decoded. An undecodable
    /// pair is kept raw rather than dropped, so validation can reject it.
    public var queryItems: [(name: String, value: String)] {
        queryString.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusIsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentDecoding.decode(parts[1], plusIsSpace: true) ?? String(parts[1])) : ""
            return (name, value)
        }
    }

    /// Whether the connection stays open after the response (RFC 9112 §9.3).
    public var keepsConnectionAlive: Bool {
        let tokens = headers.values("Connection").flatMap { $0.split(separator: ",") }.map {
            String($0).trimmingSpaces.asciiLowercased
        }
        switch version {
        case .http11: return !tokens.contains("close")
        case .http10: return tokens.contains("keep-alive")
        }
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers == rhs.headers && lhs.body == rhs.body
    }
}

public enum HTTPVersion: String, Sendable, Equatable {
    case http10 = "HTTP/1.0"
    case http11 = "HTTP/1.1"
}

/// Percent-decoding (RFC 3986 §2.1) that refuses malformed escapes and invalid UTF-8.
extension String {
    package var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
