/// An error the API answers with a stable JSON shape:
/// `{"error": message, "code": code, "request_id": id, "details": {...}}`.
///
/// Anything thrown that is not an `APIError` becomes a 500 whose body carries only the request
/// id: internals (SQL, stack traces, secrets) never reach a client.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    /// Machine-readable, stable: `validation_failed`, `not_found`, `conflict`...
    public var code: String
    public var message: String
    public var details: JSONValue?

    public init(status: Int, code: String, message: String, details: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(status) \(code): \(message)" }

    public static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "bad_request", message: message)
    }

    public static func validation(_ issues: [FieldIssue]) -> APIError {
        APIError(
            status: 422, code: "validation_failed",
            message: issues.map(\.description).prefix(5).joined(separator: "; "),
            details: .object([
                "issues": .array(issues.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
            ]))
    }

    public static func invalid(_ field: String, _ message: String) -> APIError {
        validation([FieldIssue(field, message)])
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(status: 404, code: "not_found", message: "\(what) not found")
    }

    public static func conflict(_ message: String, details: JSONValue? = nil) -> APIError {
        APIError(status: 409, code: "conflict", message: message, details: details)
    }

    public static let unauthorized = APIError(
        status: 401, code: "unauthorized", message: "a valid bearer token is required (Authorization: Bearer <token>)")

    public static func unsupportedMediaType(_ type: String) -> APIError {
        APIError(status: 415, code: "unsupported_media_type", message: "request body must be application/json")
    }

    public static func methodNotAllowed(_ allowed: [String]) -> APIError {
        APIError(
            status: 405, code: "method_not_allowed",
            message: "method not allowed; allowed: \(allowed.joined(separator: ", "))")
    }

    public static func unavailable(_ message: String) -> APIError {
        APIError(status: 503, code: "unavailable", message: message)
    }

    public static let internalError = APIError(
        status: 500, code: "internal_error", message: "internal error; the request id identifies it in central's log")
}
