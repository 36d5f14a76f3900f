/// The outcome of a call (gRPC status codes, doc/statuscodes.md): a code and a message for humans.
///
/// It is also the error type of this module: handlers throw it to end a call with that status,
/// and client calls throw it when the call did not end with `.ok`.
public struct GRPCStatus: Error, Hashable, Sendable {
    /// The 17 status codes, with their wire values.
    public enum Code: Int, CaseIterable, Hashable, Sendable {
        case ok = 0
        case cancelled = 1
        case unknown = 2
        case invalidArgument = 3
        case deadlineExceeded = 4
        case notFound = 5
        case alreadyExists = 6
        case permissionDenied = 7
        case resourceExhausted = 8
        case failedPrecondition = 9
        case aborted = 10
        case outOfRange = 11
        case unimplemented = 12
        case internalError = 13
        case unavailable = 14
        case dataLoss = 15
        case unauthenticated = 16

        /// A code read from `grpc-status`; values this version does not know are UNKNOWN
        /// (statuscodes.md: "unknown" is the fallback for codes from a newer peer).
        public init(wireValue: Int) {
            self = Code(rawValue: wireValue) ?? .unknown
        }
    }

    public var code: Code
    /// Free text for a human; sent percent-encoded in `grpc-message`. Never put secrets here.
    public var message: String

    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    public static let ok = GRPCStatus(.ok)

    public var isOK: Bool { code == .ok }
}

extension GRPCStatus.Code: CustomStringConvertible {
    /// The canonical upper-case name, as in logs of every gRPC implementation.
    public var description: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internalError: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        }
    }
}

extension GRPCStatus: CustomStringConvertible {
    public var description: String {
        message.isEmpty ? "\(code)" : "\(code): \(message)"
    }
}
