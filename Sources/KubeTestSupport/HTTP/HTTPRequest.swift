import Foundation

/// One request as the test HTTP server read it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path, percent-decoded (`/api/v1/namespaces/default/pods`).
    public var path: String
    /// Query parameters in order, percent-decoded (`+` is a space, as Go's url.ParseQuery has it).
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The bearer token, which identifies the client for fault injection.
    public var bearerToken: String? {
        guard let value = header("Authorization"), value.hasPrefix("Bearer ") else { return nil }
        return String(value.dropFirst("Bearer ".count))
    }

    /// Parses the request target (`/path?query`).
    static func split(target: String) -> (path: String, query: [(name: String, value: String)]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        guard parts.count == 2 else { return (path, []) }
        let items = parts[1].split(separator: "&").map { pair -> (name: String, value: String) in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(halves[0]), halves.count == 2 ? decode(halves[1]) : "")
        }
        return (path, items)
    }
}

/// What the server does with a request.
public enum HTTPServerReply: Sendable {
    /// A complete answer with Content-Length.
    case full(status: Int, contentType: String, body: [UInt8], headers: [(String, String)] = [])
    /// A chunked answer written by `producer`; ending the producer ends the body. If the
    /// producer throws, the connection is dropped without the final chunk.
    case stream(status: Int, contentType: String, producer: @Sendable (HTTPChunkWriter) async throws -> Void)
    /// No answer until the client gives up and closes the connection (a lost request).
    case hang
    /// Close the connection without answering (a reset before the answer).
    case closeConnection
}

/// Writes the chunks of a streamed answer.
public struct HTTPChunkWriter: Sendable {
    let write: @Sendable ([UInt8]) async throws -> Void
    let abortConnection: @Sendable () -> Void

    /// Sends one chunk (nothing for empty input).
    public func send(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        var chunk = Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A]
        chunk += bytes
        chunk += [0x0D, 0x0A]
        try await write(chunk)
    }

    /// Closes the connection at once, mid-stream (a dropped watch).
    public func abort() {
        abortConnection()
    }
}

/// Reason phrases for the codes the double uses.
enum HTTPStatusText {
    static func phrase(_ code: Int) -> String {
        switch code {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(code)"
        }
    }
}
