public import SwiftProtobuf

/// The four call shapes (PROTOCOL-HTTP2.md is the same for all; only message counts differ).
public enum RPCKind: Hashable, Sendable {
    case unary
    case clientStreaming
    case serverStreaming
    case bidirectionalStreaming
}

/// One method of a service, with its message types: written by hand next to the messages
/// (protoc-gen-swift generates messages only).
public struct MethodDescriptor<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>: Hashable, Sendable {
    /// The fully qualified service, e.g. `grpc.health.v1.Health`.
    public let service: String
    /// The method name as in the .proto, e.g. `Check`.
    public let method: String
    public let kind: RPCKind

    public init(service: String, method: String, kind: RPCKind) {
        self.service = service
        self.method = method
        self.kind = kind
    }

    /// The HTTP/2 `:path`: `/package.Service/Method`.
    public var path: String { "/\(service)/\(method)" }
}

/// Serialisation at the edge of the typed API: protobuf errors become gRPC statuses here.
enum ProtobufCoding {
    static func encode(_ message: some SwiftProtobuf.Message) throws(GRPCStatus) -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            throw GRPCStatus(.internalError, "cannot serialise \(type(of: message).protoMessageName)")
        }
    }

    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from bytes: [UInt8]) throws(GRPCStatus) -> M {
        do {
            return try M(serializedBytes: bytes)
        } catch {
            throw GRPCStatus(.internalError, "cannot parse \(M.protoMessageName) from \(bytes.count) bytes")
        }
    }
}
