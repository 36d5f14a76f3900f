/// One request a client sends: the target is the path plus query as it goes on the wire.
public struct HTTP1ClientRequest: Sendable {
    public var method: String
    /// `/api/v1/pods?labelSelector=a%3Db`: already percent-encoded.
    public var target: String
    /// Sent as given, after `Host`. `Content-Length` is added for a body; do not set it.
    public var headers: HTTPHeaders
    public var body: [UInt8]?

    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The request's bytes for `host` (the `Host` field value). Refuses anything that could
    /// split the request or smuggle a second one: a method that is not a token, a target with
    /// spaces or control characters, header names that are not tokens, values with CR or LF.
    public func encoded(host: String) throws(HTTP1RequestEncodingError) -> [UInt8] {
        guard !method.isEmpty, method.utf8.allSatisfy(isTokenByte) else { throw .init(reason: "invalid method") }
        guard target.hasPrefix("/"), target.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw .init(reason: "invalid request target")
        }
        var text = "\(method) \(target) HTTP/1.1\r\n"
        var fields: [(String, String)] = [("Host", host)]
        fields += headers.fields.filter { !$0.name.caseInsensitiveEquals("Content-Length") }.map { ($0.name, $0.value) }
        if let body {
            fields.append(("Content-Length", String(body.count)))
        } else if method == "POST" || method == "PUT" || method == "PATCH" {
            fields.append(("Content-Length", "0"))
        }
        for (name, value) in fields {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw .init(reason: "invalid header name")
            }
            guard value.utf8.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                throw .init(reason: "control character in the value of \(name)")
            }
            text += "\(name): \(value)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8) + (body ?? [])
    }
}

/// A request that cannot be put on the wire safely. The reason never quotes header values
/// (they may hold credentials).
public struct HTTP1RequestEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { "cannot encode the request: \(reason)" }
}
