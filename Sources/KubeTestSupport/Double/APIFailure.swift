import Kube

/// An error answer of the double: a Status shaped like the real server's (§4.2).
struct APIFailure: Error, Sendable {
    var status: Status
    var retryAfterSeconds: Int?

    var code: Int { status.code ?? 500 }

    init(code: Int, reason: String, message: String, details: StatusDetails? = nil, retryAfterSeconds: Int? = nil) {
        status = Status(message: message, reason: reason, details: details, code: code)
        self.retryAfterSeconds = retryAfterSeconds
    }

    static func details(_ resource: ResourceDefinition, name: String?, uid: String? = nil) -> StatusDetails {
        StatusDetails(name: name, group: resource.group.isEmpty ? nil : resource.group, kind: resource.plural, uid: uid)
    }

    static func notFound(_ resource: ResourceDefinition, _ name: String) -> APIFailure {
        APIFailure(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
            details: details(resource, name: name))
    }

    static func alreadyExists(_ resource: ResourceDefinition, _ name: String) -> APIFailure {
        APIFailure(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
            details: details(resource, name: name))
    }

    static func conflict(_ resource: ResourceDefinition, _ name: String) -> APIFailure {
        APIFailure(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": the object has been"
                + " modified; please apply your changes to the latest version and try again",
            details: details(resource, name: name))
    }

    static func preconditionFailed(_ resource: ResourceDefinition, _ name: String, _ what: String) -> APIFailure {
        APIFailure(
            code: 409, reason: "Conflict",
            message:
                "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": Precondition failed: \(what)",
            details: details(resource, name: name))
    }

    /// 422 with `details.causes`, message as the server builds it.
    static func invalid(_ resource: ResourceDefinition, _ name: String, _ causes: [StatusCause]) -> APIFailure {
        let summary = causes.map { "\($0.field ?? ""): \($0.message ?? "")" }.joined(separator: ", ")
        var details = details(resource, name: name)
        details.causes = causes
        let kindGroup = resource.group.isEmpty ? resource.kind : "\(resource.kind).\(resource.group)"
        return APIFailure(
            code: 422, reason: "Invalid", message: "\(kindGroup) \"\(name)\" is invalid: \(summary)", details: details)
    }

    static func badRequest(_ message: String) -> APIFailure {
        APIFailure(code: 400, reason: "BadRequest", message: message)
    }

    static func expired(_ message: String) -> APIFailure {
        APIFailure(code: 410, reason: "Expired", message: message)
    }

    static func methodNotAllowed(_ method: String) -> APIFailure {
        APIFailure(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource")
    }

    static let resourceNotFound = APIFailure(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    static let unsupportedPatch = APIFailure(
        code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include:"
            + " application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")
}

/// A field error, as in `details.causes`.
func cause(_ field: String, _ reason: String = "FieldValueInvalid", _ message: String) -> StatusCause {
    StatusCause(reason: reason, message: message, field: field)
}
