/// Turns a request into a response. One method, so middleware and routers compose by wrapping.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// A responder made from a closure (tests, small wrappers).
public struct ClosureResponder: HTTPResponder {
    let body: @Sendable (HTTPRequest) async -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) { self.body = body }

    public func respond(to request: HTTPRequest) async -> HTTPResponse { await body(request) }
}
