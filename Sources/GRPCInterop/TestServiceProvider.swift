public import GRPC
import FoundationEssentials
import GRPCInteropAPI
import SwiftProtobuf

/// The interop test server (gRPC "Interoperability Test Case Descriptions", server side).
public struct TestServiceProvider: GRPCService {
    /// Metadata keys the interop tests ask the server to echo.
    static let echoInitialKey = "x-grpc-test-echo-initial"
    static let echoTrailingKey = "x-grpc-test-echo-trailing-bin"

    /// Responses may not ask for more than this many bytes, so a client cannot make the test
    /// server allocate without bound.
    public static let maxResponseSize = 64 << 20

    public init() {}

    public func register(into registry: inout ServiceRegistry) {
        registry.unary(TestServiceMethods.emptyCall) { _, context in
            Self.echoMetadata(context)
            return Grpc_Testing_Empty()
        }
        registry.unary(TestServiceMethods.unaryCall) { request, context in try Self.unary(request, context) }
        registry.unary(TestServiceMethods.cacheableUnaryCall) { request, context in try Self.unary(request, context) }
        registry.serverStreaming(TestServiceMethods.streamingOutputCall) { request, writer, context in
            Self.echoMetadata(context)
            try await Self.respond(to: request, with: writer)
        }
        registry.clientStreaming(TestServiceMethods.streamingInputCall) { requests, context in
            Self.echoMetadata(context)
            var total = 0
            for try await request in requests {
                if request.expectCompressed.value && !context.lastRequestWasCompressed {
                    throw GRPCStatus(.invalidArgument, "expected a compressed request")
                }
                total += request.payload.body.count
            }
            return .with { $0.aggregatedPayloadSize = Int32(total) }
        }
        registry.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { requests, writer, context in
            Self.echoMetadata(context)
            for try await request in requests {
                try await Self.respond(to: request, with: writer)
            }
        }
        registry.bidirectionalStreaming(TestServiceMethods.halfDuplexCall) { requests, writer, context in
            Self.echoMetadata(context)
            var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
            for try await request in requests {
                buffered.append(request)
            }
            for request in buffered {
                try await Self.respond(to: request, with: writer)
            }
        }
    }

    static func unary(_ request: Grpc_Testing_SimpleRequest, _ context: ServerContext) throws
        -> Grpc_Testing_SimpleResponse
    {
        echoMetadata(context)
        if request.expectCompressed.value && !context.lastRequestWasCompressed {
            throw GRPCStatus(.invalidArgument, "expected a compressed request")
        }
        if request.hasResponseStatus, request.responseStatus.code != 0 {
            throw GRPCStatus(
                GRPCStatus.Code(wireValue: Int(request.responseStatus.code)), request.responseStatus.message)
        }
        if request.hasResponseCompressed {
            context.compressResponses = request.responseCompressed.value
        }
        return .with { $0.payload = payload(size: Int(request.responseSize)) }
    }

    static func respond(
        to request: Grpc_Testing_StreamingOutputCallRequest,
        with writer: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>
    ) async throws {
        for parameters in request.responseParameters {
            if parameters.intervalUs > 0 {
                try await Task.sleep(for: .microseconds(Int64(parameters.intervalUs)))
            }
            let response = Grpc_Testing_StreamingOutputCallResponse.with {
                $0.payload = payload(size: Int(parameters.size))
            }
            try await writer.write(response, compress: parameters.hasCompressed ? parameters.compressed.value : nil)
        }
        if request.hasResponseStatus, request.responseStatus.code != 0 {
            throw GRPCStatus(
                GRPCStatus.Code(wireValue: Int(request.responseStatus.code)), request.responseStatus.message)
        }
    }

    static func payload(size: Int) -> Grpc_Testing_Payload {
        .with { $0.body = Data(count: min(max(size, 0), maxResponseSize)) }
    }

    static func echoMetadata(_ context: ServerContext) {
        if let initial = context.requestMetadata[echoInitialKey] {
            var metadata = context.initialMetadata
            metadata.add(echoInitialKey, initial)
            context.initialMetadata = metadata
        }
        if let trailing = context.requestMetadata.binaryValue(echoTrailingKey) {
            var metadata = context.trailingMetadata
            metadata.add(echoTrailingKey, binary: trailing)
            context.trailingMetadata = metadata
        }
    }
}
