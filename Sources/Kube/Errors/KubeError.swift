/// The one error type of the Kube module. API answers keep their `Status` (with its HTTP code
/// and reason), split into the cases callers branch on: a 409 Conflict (lost an optimistic
/// concurrency race: re-read) is not a 409 AlreadyExists (someone created it first), and a 410
/// (relist, then watch again) is neither.
public enum KubeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 404.
    case notFound(Status)
    /// 409 with reason AlreadyExists: a create lost to an object of the same name.
    case alreadyExists(Status)
    /// 409 Conflict: a stale resourceVersion or a failed precondition.
    case conflict(Status)
    /// 422 Invalid; `causes` lists the fields.
    case invalid(Status)
    /// 400: a malformed selector, continue token or body.
    case badRequest(Status)
    /// 410 Expired / Gone: the resourceVersion is too old (compacted). List again.
    case gone(Status)
    /// 403 (RBAC, or a namespace being terminated).
    case forbidden(Status)
    /// 401: the token is missing, wrong or expired.
    case unauthorized(Status)
    /// 429; retry no sooner than `retryAfter`.
    case tooManyRequests(Status, retryAfter: Duration?)
    /// 500 ServerTimeout, 504 Timeout, or 503: the server could not finish in time.
    case serverTimeout(Status, retryAfter: Duration?)
    /// 415, e.g. a PATCH sent as plain `application/json`.
    case unsupportedMediaType(Status)
    /// Any other answer: `Status.code`, `.reason` and `.message` say what.
    case other(Status)
    /// No answer within the request's deadline; the request was abandoned. A write may still
    /// have been applied.
    case timedOut(request: String, after: Duration)
    /// The request did not reach the server or the connection broke (see `TransportFailure`).
    case transport(TransportFailure)
    /// The server does not serve an API this client needs (e.g. policy/v1 and v1beta1 missing).
    case unsupported(String)
    /// The server answered something this client cannot read.
    case invalidResponse(String)
    /// Configuration (kubeconfig, service account files) is missing or invalid.
    case invalidConfiguration(String)
    /// A watch produced events faster than its consumer took them; the watch was ended.
    case watchOverflow

    /// The Status of an API answer, when this error is one.
    public var status: Status? {
        switch self {
        case .notFound(let status), .alreadyExists(let status), .conflict(let status), .invalid(let status),
            .badRequest(let status), .gone(let status), .forbidden(let status), .unauthorized(let status),
            .tooManyRequests(let status, _), .serverTimeout(let status, _), .unsupportedMediaType(let status),
            .other(let status):
            return status
        case .timedOut, .transport, .unsupported, .invalidResponse, .invalidConfiguration, .watchOverflow:
            return nil
        }
    }

    /// The HTTP status code of an API answer.
    public var code: Int? { status?.code }

    /// The validation failures of an `.invalid` answer.
    public var causes: [StatusCause] { status?.details?.causes ?? [] }

    public var description: String {
        switch self {
        case .timedOut(let request, let after): return "\(request): no answer within \(after)"
        case .transport(let failure): return "transport: \(failure)"
        case .unsupported(let what): return "unsupported by the server: \(what)"
        case .invalidResponse(let what): return "invalid response: \(what)"
        case .invalidConfiguration(let what): return "invalid configuration: \(what)"
        case .watchOverflow: return "watch consumer fell behind; watch ended"
        default: return status.map { "\($0)" } ?? "unknown"
        }
    }
}

/// Why a request did not get an answer.
public struct TransportFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The connection could not be made (refused, no route, name not resolved): the request
        /// certainly did not reach the server, so even a write may be retried.
        case cannotConnect
        /// The server's certificate was not trusted or the TLS handshake failed.
        case tlsFailed
        /// The connection broke after the request may have been sent.
        case connectionLost
        /// Anything else.
        case other
    }

    public var kind: Kind
    /// URLError code (or another library's code), for diagnostics.
    public var code: Int
    public var message: String

    public init(kind: Kind, code: Int, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(kind) (\(code)): \(message)" }
}

extension KubeError {
    /// Maps an error answer to its case. The reason wins over the code where they disagree
    /// (AlreadyExists and Conflict are both 409); a body that is not a Status gets one built
    /// from the HTTP code.
    public static func fromResponse(statusCode: Int, status: Status?, retryAfterHeader: String?) -> KubeError {
        var status = status ?? Status(message: "HTTP \(statusCode)", reason: defaultReason(statusCode))
        if status.code == nil { status.code = statusCode }
        let retryAfter =
            (status.details?.retryAfterSeconds ?? retryAfterHeader.flatMap { Int($0) }).map { Duration.seconds($0) }
        switch (status.reason ?? "", statusCode) {
        case ("AlreadyExists", _): return .alreadyExists(status)
        case ("Conflict", _): return .conflict(status)
        case ("NotFound", _), (_, 404): return .notFound(status)
        case ("Invalid", _), (_, 422): return .invalid(status)
        case ("Expired", _), ("Gone", _), (_, 410): return .gone(status)
        case ("Forbidden", _), (_, 403): return .forbidden(status)
        case ("Unauthorized", _), (_, 401): return .unauthorized(status)
        case ("TooManyRequests", _), (_, 429): return .tooManyRequests(status, retryAfter: retryAfter)
        case ("ServerTimeout", _), ("Timeout", _), (_, 503), (_, 504):
            return .serverTimeout(status, retryAfter: retryAfter)
        case ("UnsupportedMediaType", _), (_, 415): return .unsupportedMediaType(status)
        case ("BadRequest", _), (_, 400): return .badRequest(status)
        case (_, 409): return .conflict(status)
        default: return .other(status)
        }
    }

    static func defaultReason(_ code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }

    /// Whether retrying may help at all (the server was busy or the connection failed).
    var isTransient: Bool {
        switch self {
        case .tooManyRequests, .serverTimeout, .transport: return true
        case .other(let status): return [500, 502, 503, 504].contains(status.code ?? 0)
        default: return false
        }
    }

    /// Whether the failed request certainly was not applied, so a non-idempotent request (a
    /// create, an update) may be sent again without risking a double write.
    var certainlyNotApplied: Bool {
        switch self {
        case .transport(let failure): return failure.kind == .cannotConnect
        // Priority and fairness rejects a request before any handler runs.
        case .tooManyRequests: return true
        default: return false
        }
    }

    /// The server's requested pause before a retry.
    var retryAfter: Duration? {
        switch self {
        case .tooManyRequests(_, let after), .serverTimeout(_, let after): return after
        default: return nil
        }
    }
}
