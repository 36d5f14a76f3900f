/// Runs before every handler and may refuse the call: the hook for authentication. It sees the
/// request metadata, `authorization` included; it must never log credentials.
///
/// Throw a `GRPCStatus` (typically `.unauthenticated` or `.permissionDenied`) to end the call
/// with it; any other error ends the call with UNKNOWN.
public protocol ServerInterceptor: Sendable {
    func intercept(_ context: ServerContext) async throws
}

/// An interceptor from a closure.
public struct ClosureInterceptor: ServerInterceptor {
    let body: @Sendable (ServerContext) async throws -> Void

    public init(_ body: @escaping @Sendable (ServerContext) async throws -> Void) {
        self.body = body
    }

    public func intercept(_ context: ServerContext) async throws {
        try await body(context)
    }
}
