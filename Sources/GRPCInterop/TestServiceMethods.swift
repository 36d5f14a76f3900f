public import GRPC
public import GRPCInteropAPI

/// grpc.testing.TestService and UnimplementedService, as in Protos/grpc/testing/test.proto.
public enum TestServiceMethods {
    public static let service = "grpc.testing.TestService"

    public static let emptyCall = MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_Empty>(
        service: service, method: "EmptyCall", kind: .unary)
    public static let unaryCall = MethodDescriptor<Grpc_Testing_SimpleRequest, Grpc_Testing_SimpleResponse>(
        service: service, method: "UnaryCall", kind: .unary)
    public static let cacheableUnaryCall = MethodDescriptor<Grpc_Testing_SimpleRequest, Grpc_Testing_SimpleResponse>(
        service: service, method: "CacheableUnaryCall", kind: .unary)
    public static let streamingOutputCall = MethodDescriptor<
        Grpc_Testing_StreamingOutputCallRequest, Grpc_Testing_StreamingOutputCallResponse
    >(service: service, method: "StreamingOutputCall", kind: .serverStreaming)
    public static let streamingInputCall = MethodDescriptor<
        Grpc_Testing_StreamingInputCallRequest, Grpc_Testing_StreamingInputCallResponse
    >(service: service, method: "StreamingInputCall", kind: .clientStreaming)
    public static let fullDuplexCall = MethodDescriptor<
        Grpc_Testing_StreamingOutputCallRequest, Grpc_Testing_StreamingOutputCallResponse
    >(service: service, method: "FullDuplexCall", kind: .bidirectionalStreaming)
    public static let halfDuplexCall = MethodDescriptor<
        Grpc_Testing_StreamingOutputCallRequest, Grpc_Testing_StreamingOutputCallResponse
    >(service: service, method: "HalfDuplexCall", kind: .bidirectionalStreaming)
    /// Never implemented by servers: calls must end UNIMPLEMENTED.
    public static let unimplementedCall = MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_Empty>(
        service: service, method: "UnimplementedCall", kind: .unary)
}

public enum UnimplementedServiceMethods {
    public static let unimplementedCall = MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_Empty>(
        service: "grpc.testing.UnimplementedService", method: "UnimplementedCall", kind: .unary)
}
