import FoundationEssentials
import HTTP1
import TextBasics

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
        query.map { "\(PercentDecoding.encode($0.name))=\(PercentDecoding.encode($0.value))" }.joined(separator: "&")
    }
}
