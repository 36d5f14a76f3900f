import FoundationEssentials
import HTTP1

/// An answer read in full.
struct HTTPReply: Sendable {
    var statusCode: Int
    var headers: [String: String]
    var body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveEquals(name) }?.value
    }
}

/// A piece of a streamed answer.
enum StreamPart: Sendable {
    case head(statusCode: Int)
    case data(Data)
}
