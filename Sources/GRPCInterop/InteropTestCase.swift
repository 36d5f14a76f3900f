public import GRPC

/// The interop test cases our client runs (gRPC "Interoperability Test Case Descriptions"),
/// plus a few acceptance scenarios of our own, named with a `pgswarm_` prefix.
public enum InteropTestCase: String, CaseIterable, Sendable {
    case emptyUnary = "empty_unary"
    case largeUnary = "large_unary"
    case clientCompressedUnary = "client_compressed_unary"
    case serverCompressedUnary = "server_compressed_unary"
    case clientStreaming = "client_streaming"
    case clientCompressedStreaming = "client_compressed_streaming"
    case serverStreaming = "server_streaming"
    case serverCompressedStreaming = "server_compressed_streaming"
    case pingPong = "ping_pong"
    case emptyStream = "empty_stream"
    case timeoutOnSleepingServer = "timeout_on_sleeping_server"
    case cancelAfterBegin = "cancel_after_begin"
    case cancelAfterFirstResponse = "cancel_after_first_response"
    case customMetadata = "custom_metadata"
    case statusCodeAndMessage = "status_code_and_message"
    case specialStatusMessage = "special_status_message"
    case unimplementedMethod = "unimplemented_method"
    case unimplementedService = "unimplemented_service"
    /// 8 MiB request and 8 MiB response (both ends need a receive limit above 8 MiB).
    case largeMessages = "pgswarm_8mib_messages"
    /// 200 bidirectional calls open at once on one connection.
    case concurrentStreams = "pgswarm_200_concurrent_streams"
    /// A bidirectional call idle for 60 s (keepalive PINGs keep the connection), then used.
    case idleStream = "pgswarm_idle_stream_60s"

    /// The cases of the standard description.
    public static var standard: [InteropTestCase] {
        allCases.filter { !$0.rawValue.hasPrefix("pgswarm_") }
    }

    /// Runs the case against `channel`; throws `InteropFailure` or the call's status on failure.
    public func run(on channel: GRPCChannel) async throws {
        switch self {
        case .emptyUnary: try await InteropClient.emptyUnary(channel)
        case .largeUnary: try await InteropClient.largeUnary(channel)
        case .clientCompressedUnary: try await InteropClient.clientCompressedUnary(channel)
        case .serverCompressedUnary: try await InteropClient.serverCompressedUnary(channel)
        case .clientStreaming: try await InteropClient.clientStreaming(channel)
        case .clientCompressedStreaming: try await InteropClient.clientCompressedStreaming(channel)
        case .serverStreaming: try await InteropClient.serverStreaming(channel)
        case .serverCompressedStreaming: try await InteropClient.serverCompressedStreaming(channel)
        case .pingPong: try await InteropClient.pingPong(channel)
        case .emptyStream: try await InteropClient.emptyStream(channel)
        case .timeoutOnSleepingServer: try await InteropClient.timeoutOnSleepingServer(channel)
        case .cancelAfterBegin: try await InteropClient.cancelAfterBegin(channel)
        case .cancelAfterFirstResponse: try await InteropClient.cancelAfterFirstResponse(channel)
        case .customMetadata: try await InteropClient.customMetadata(channel)
        case .statusCodeAndMessage: try await InteropClient.statusCodeAndMessage(channel)
        case .specialStatusMessage: try await InteropClient.specialStatusMessage(channel)
        case .unimplementedMethod: try await InteropClient.unimplementedMethod(channel)
        case .unimplementedService: try await InteropClient.unimplementedService(channel)
        case .largeMessages: try await InteropClient.largeMessages(channel)
        case .concurrentStreams: try await InteropClient.concurrentStreams(channel)
        case .idleStream: try await InteropClient.idleStream(channel, idleFor: .seconds(60))
        }
    }
}
