public import Foundation
public import HTTP1

/// A request as route handlers see it: the HTTP request plus what routing and middleware found.
public struct RESTRequest: Sendable {
    public let http: HTTPRequest
    public let requestID: String
    /// The matched route's template, e.g. `/api/v1/clusters/{id}` (for logs and metrics).
    public let routeTemplate: String
    public let pathParameters: [String: String]
    /// The API token that authenticated the request.
    public let token: APIToken?

    /// A path parameter that must be a UUID; anything else cannot name a resource: 404.
    public func uuid(_ name: String, resource: String) throws(APIError) -> UUID {
        guard let text = pathParameters[name], let id = UUID(uuidString: text) else {
            throw APIError.notFound(resource)
        }
        return id
    }

    public func path(_ name: String) -> String { pathParameters[name] ?? "" }

    /// The last value of a query parameter.
    public func query(_ name: String) -> String? {
        http.queryItems.last { $0.name == name }?.value
    }

    public func queryBool(_ name: String) throws(APIError) -> Bool {
        switch query(name) {
        case nil, "false"?, "0"?: return false
        case "true"?, "1"?: return true
        default: throw APIError.badRequest("query parameter \(name) must be true or false")
        }
    }

    public func queryInt(_ name: String, default value: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = query(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest(
                "query parameter \(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// Decodes the JSON body. Malformed JSON or wrong types → 400, another media type → 415.
    public func decode<T: Decodable>(_ type: T.Type) throws(APIError) -> T {
        if let contentType = http.headers["Content-Type"] {
            let media = contentType.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) }
            guard media?.lowercased() == "application/json" else { throw APIError.unsupportedMediaType(contentType) }
        }
        guard !http.body.isEmpty else { throw APIError.badRequest("a JSON request body is required") }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(http.body))
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid request body: \(Self.describe(error))")
        } catch {
            throw APIError.badRequest("invalid request body")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "body" : path
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent == "body" ? "" : parent + ".")\(key.stringValue) is required"
        case .typeMismatch(let type, let context): return "\(path(context)) must be of type \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) must be a non-null \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)) is malformed"
        @unknown default: return "malformed"
        }
    }
}

/// Response helpers: JSON with the API's encoder, and the common security headers.
public enum RESTResponse {
    public static func json(_ value: some Encodable, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: JSONCoding.encode(value))
    }

    public static func noContent() -> HTTPResponse { HTTPResponse(status: 204) }

    public static func error(_ error: APIError, requestID: String) -> HTTPResponse {
        struct Body: Encodable {
            let error: String
            let code: String
            let requestID: String
            let details: JSONValue?

            enum CodingKeys: String, CodingKey {
                case error, code, details
                case requestID = "request_id"
            }
        }
        var response = json(
            Body(error: error.message, code: error.code, requestID: requestID, details: error.details),
            status: error.status)
        if error.status == 401 { response.headers["WWW-Authenticate"] = "Bearer realm=\"pg-swarm\"" }
        return response
    }
}
