import FoundationEssentials

/// One API call before it becomes a URLRequest. `path` starts with `/api` or `/apis`.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [(name: String, value: String)] = []
    var body: Data?
    var contentType: String?

    /// GET (get, list, watch) is safe to repeat; writes are not.
    var isSafe: Bool { method == "GET" || method == "HEAD" }

    /// `GET /apis/coordination.k8s.io/v1/namespaces/x/leases/y`: for logs and errors. The query
    /// is left out (selectors are harmless, but a log line should name the call, not its data).
    var summary: String { "\(method) \(path)" }

    /// Percent-encodes everything except RFC 3986 unreserved characters, so selector syntax
    /// (`=`, `!`, `(`, `,`, spaces) reaches the server unchanged.
    func encodedQuery() -> String {
        query.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
    }

    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(digits[Int(byte >> 4)])
                encoded.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }
}
