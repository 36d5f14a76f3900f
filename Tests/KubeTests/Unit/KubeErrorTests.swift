import Foundation
import Kube
import Testing

@Suite("KubeError")
struct KubeErrorTests {
    static func error(_ code: Int, _ reason: String?, retryAfter: String? = nil) -> KubeError {
        KubeError.fromResponse(
            statusCode: code, status: reason.map { Status(message: "m", reason: $0, code: code) },
            retryAfterHeader: retryAfter)
    }

    @Test("answers map to the case callers branch on")
    func mapping() {
        #expect({ if case .notFound = Self.error(404, "NotFound") { true } else { false } }())
        #expect({ if case .alreadyExists = Self.error(409, "AlreadyExists") { true } else { false } }())
        #expect({ if case .conflict = Self.error(409, "Conflict") { true } else { false } }())
        #expect({ if case .conflict = Self.error(409, nil) { true } else { false } }())
        #expect({ if case .invalid = Self.error(422, "Invalid") { true } else { false } }())
        #expect({ if case .badRequest = Self.error(400, "BadRequest") { true } else { false } }())
        #expect({ if case .gone = Self.error(410, "Expired") { true } else { false } }())
        #expect({ if case .gone = Self.error(410, "Gone") { true } else { false } }())
        #expect({ if case .forbidden = Self.error(403, "Forbidden") { true } else { false } }())
        #expect({ if case .unauthorized = Self.error(401, nil) { true } else { false } }())
        #expect({ if case .unsupportedMediaType = Self.error(415, "UnsupportedMediaType") { true } else { false } }())
        #expect({ if case .serverTimeout = Self.error(500, "ServerTimeout") { true } else { false } }())
        #expect({ if case .serverTimeout = Self.error(504, "Timeout") { true } else { false } }())
        #expect({ if case .other = Self.error(500, "InternalError") { true } else { false } }())
        #expect({ if case .other = Self.error(405, "MethodNotAllowed") { true } else { false } }())
    }

    @Test("Retry-After comes from the Status details or the header")
    func retryAfter() {
        guard case .tooManyRequests(let status, let after) = Self.error(429, "TooManyRequests", retryAfter: "3") else {
            Issue.record("expected tooManyRequests")
            return
        }
        #expect(after == .seconds(3))
        #expect(status.code == 429)
        var details = Status(message: "busy", reason: "ServerTimeout", code: 500)
        details.details = StatusDetails(retryAfterSeconds: 2)
        guard
            case .serverTimeout(_, let fromDetails) = KubeError.fromResponse(
                statusCode: 500, status: details, retryAfterHeader: nil)
        else {
            Issue.record("expected serverTimeout")
            return
        }
        #expect(fromDetails == .seconds(2))
    }

    @Test("the wire code, reason and causes stay available")
    func wireData() {
        var status = Status(message: "Lease \"x\" is invalid", reason: "Invalid", code: 422)
        status.details = StatusDetails(causes: [
            StatusCause(reason: "FieldValueInvalid", message: "bad", field: "metadata.name")
        ])
        let error = KubeError.fromResponse(statusCode: 422, status: status, retryAfterHeader: nil)
        #expect(error.code == 422)
        #expect(error.causes.map(\.field) == ["metadata.name"])
        #expect("\(error)".contains("422 Invalid"))
        #expect(KubeError.timedOut(request: "GET /x", after: .seconds(1)).code == nil)
    }

    @Test("retry backoff doubles up to its cap, within the jitter")
    func backoff() {
        let policy = RetryPolicy(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1), jitter: 0.2)
        #expect(policy.backoff(afterAttempt: 1, unitRandom: 0.5) == .milliseconds(100))
        #expect(policy.backoff(afterAttempt: 2, unitRandom: 0.5) == .milliseconds(200))
        #expect(policy.backoff(afterAttempt: 3, unitRandom: 0.5) == .milliseconds(400))
        #expect(policy.backoff(afterAttempt: 10, unitRandom: 0.5) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 1, unitRandom: 0) == .milliseconds(80))
        #expect(policy.backoff(afterAttempt: 1, unitRandom: 0.999_999) < .milliseconds(121))
        #expect(RetryPolicy(maximumAttempts: 0).maximumAttempts == 1)
    }
}
