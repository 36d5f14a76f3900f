/// Why a registration, approval check or stream authentication failed, with the gRPC status
/// code the gRPC layer answers (grpc/status codes: 3, 5, 7, 13, 16).
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Int, Sendable, Equatable {
        case invalidArgument = 3
        case notFound = 5
        case permissionDenied = 7
        case `internal` = 13
        case unauthenticated = 16
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The numeric gRPC status code.
    public var grpcStatusCode: Int { code.rawValue }
    public var description: String { "\(code) (\(code.rawValue)): \(message)" }
}
