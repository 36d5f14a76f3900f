import SwiftProtobuf

/// Handlers by method path (`/package.Service/Method`). Register the four call shapes with
/// typed closures; the server looks calls up here and answers UNIMPLEMENTED for anything else.
public struct ServiceRegistry: Sendable {
    /// A registered method, its types erased.
    struct Method: Sendable {
        let kind: RPCKind
        let run: @Sendable (ServerCall) async throws -> Void
    }

    private(set) var methods: [String: Method] = [:]

    public init() {}

    /// Services with at least one method, for the health service and reflection-like listings.
    public var serviceNames: Set<String> {
        Set(methods.keys.compactMap { path in path.split(separator: "/").first.map(String.init) })
    }

    func method(forPath path: String) -> Method? { methods[path] }

    public mutating func unary<Request, Response>(
        _ descriptor: MethodDescriptor<Request, Response>,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        methods[descriptor.path] = Method(kind: .unary) { call in
            let request = try ProtobufCoding.decode(Request.self, from: try await call.singleRequest())
            let response = try await handler(request, call.context)
            try await call.send(try ProtobufCoding.encode(response), compress: nil)
        }
    }

    public mutating func clientStreaming<Request, Response>(
        _ descriptor: MethodDescriptor<Request, Response>,
        handler: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
    ) {
        methods[descriptor.path] = Method(kind: .clientStreaming) { call in
            let response = try await handler(RequestStream(call: call), call.context)
            try await call.send(try ProtobufCoding.encode(response), compress: nil)
        }
    }

    public mutating func serverStreaming<Request, Response>(
        _ descriptor: MethodDescriptor<Request, Response>,
        handler: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) {
        methods[descriptor.path] = Method(kind: .serverStreaming) { call in
            let request = try ProtobufCoding.decode(Request.self, from: try await call.singleRequest())
            try await handler(request, ResponseWriter(call: call), call.context)
        }
    }

    public mutating func bidirectionalStreaming<Request, Response>(
        _ descriptor: MethodDescriptor<Request, Response>,
        handler:
            @escaping @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws
            -> Void
    ) {
        methods[descriptor.path] = Method(kind: .bidirectionalStreaming) { call in
            try await handler(RequestStream(call: call), ResponseWriter(call: call), call.context)
        }
    }
}

/// A group of handlers registered together (one per .proto service, typically).
public protocol GRPCService: Sendable {
    func register(into registry: inout ServiceRegistry)
}

extension ServiceRegistry {
    public mutating func add(_ service: some GRPCService) {
        service.register(into: &self)
    }
}
