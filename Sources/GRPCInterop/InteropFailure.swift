/// A failed interop check, with what was expected and what happened.
public struct InteropFailure: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Checks that stop a test case with a readable failure.
enum Check {
    static func that(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw InteropFailure(message()) }
    }

    static func equal<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
        guard actual == expected else { throw InteropFailure("\(what): expected \(expected), got \(actual)") }
    }

    /// Runs `body` and requires it to fail with `code` (and `message`, when given).
    static func fails(
        with code: GRPCStatus.Code, message: String? = nil, _ what: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let status as GRPCStatus {
            try equal(status.code, code, "\(what): status code")
            if let message {
                try equal(status.message, message, "\(what): status message")
            }
            return
        }
        throw InteropFailure("\(what): expected \(code), but the call succeeded")
    }
}

import GRPC
