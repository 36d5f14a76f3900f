import FoundationEssentials
import GRPC
import GRPCInteropAPI
import SwiftProtobuf

/// The unary test cases.
enum InteropClient {
    static func zeros(_ count: Int) -> Grpc_Testing_Payload {
        .with { $0.body = Data(count: count) }
    }

    static func emptyUnary(_ channel: GRPCChannel) async throws {
        _ = try await channel.unary(TestServiceMethods.emptyCall, Grpc_Testing_Empty())
    }

    static func largeUnary(_ channel: GRPCChannel) async throws {
        let request = Grpc_Testing_SimpleRequest.with {
            $0.responseSize = 314_159
            $0.payload = zeros(271_828)
        }
        let response = try await channel.unary(TestServiceMethods.unaryCall, request)
        try Check.equal(response.payload.body, Data(count: 314_159), "response payload")
    }

    static func clientCompressedUnary(_ channel: GRPCChannel) async throws {
        func request(expectCompressed: Bool) -> Grpc_Testing_SimpleRequest {
            .with {
                $0.expectCompressed = .with { $0.value = expectCompressed }
                $0.responseSize = 314_159
                $0.payload = zeros(271_828)
            }
        }
        // The probe: uncompressed but claiming to be compressed; a conforming server refuses it.
        try await Check.fails(with: .invalidArgument, "uncompressed probe") {
            _ = try await channel.unary(TestServiceMethods.unaryCall, request(expectCompressed: true))
        }
        let compressed = try await channel.unary(
            TestServiceMethods.unaryCall, request(expectCompressed: true), options: CallOptions(compression: .gzip))
        try Check.equal(compressed.payload.body.count, 314_159, "compressed request: response size")
        let plain = try await channel.unary(TestServiceMethods.unaryCall, request(expectCompressed: false))
        try Check.equal(plain.payload.body.count, 314_159, "uncompressed request: response size")
    }

    static func serverCompressedUnary(_ channel: GRPCChannel) async throws {
        for compressed in [true, false] {
            let request = Grpc_Testing_SimpleRequest.with {
                $0.responseCompressed = .with { $0.value = compressed }
                $0.responseSize = 314_159
                $0.payload = zeros(271_828)
            }
            let response = try await channel.unaryCall(TestServiceMethods.unaryCall, request)
            try Check.equal(response.wasCompressed, compressed, "response compressed flag")
            try Check.equal(response.message.payload.body.count, 314_159, "response size")
        }
    }

    static func customMetadata(_ channel: GRPCChannel) async throws {
        let initialValue = "test_initial_metadata_value"
        let trailingValue: [UInt8] = [0xAB, 0xAB, 0xAB]
        var metadata = Metadata()
        metadata.add(TestServiceProvider.echoInitialKey, initialValue)
        metadata.add(TestServiceProvider.echoTrailingKey, binary: trailingValue)
        let options = CallOptions(metadata: metadata)

        let request = Grpc_Testing_SimpleRequest.with {
            $0.responseSize = 314_159
            $0.payload = zeros(271_828)
        }
        let unary = try await channel.unaryCall(TestServiceMethods.unaryCall, request, options: options)
        try Check.equal(
            unary.initialMetadata[TestServiceProvider.echoInitialKey], initialValue, "unary initial metadata")
        try Check.equal(
            unary.trailingMetadata.binaryValue(TestServiceProvider.echoTrailingKey), trailingValue,
            "unary trailing metadata")

        let streamRequest = Grpc_Testing_StreamingOutputCallRequest.with {
            $0.responseParameters = [.with { $0.size = 314_159 }]
            $0.payload = zeros(271_828)
        }
        try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall, options: options) { call in
            try await call.write(streamRequest)
            try await call.finishRequests()
            var count = 0
            for try await response in call.responses {
                try Check.equal(response.payload.body.count, 314_159, "streamed response size")
                count += 1
            }
            try Check.equal(count, 1, "streamed responses")
            try Check.equal(
                try await call.initialMetadata()[TestServiceProvider.echoInitialKey], initialValue,
                "streaming initial metadata")
            try Check.equal(
                call.trailingMetadata.binaryValue(TestServiceProvider.echoTrailingKey), trailingValue,
                "streaming trailing metadata")
        }
    }

    static func statusCodeAndMessage(_ channel: GRPCChannel) async throws {
        let message = "test status message"
        let status = Grpc_Testing_EchoStatus.with {
            $0.code = 2
            $0.message = message
        }
        try await Check.fails(with: .unknown, message: message, "unary") {
            _ = try await channel.unary(TestServiceMethods.unaryCall, .with { $0.responseStatus = status })
        }
        try await Check.fails(with: .unknown, message: message, "full duplex") {
            try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
                try await call.write(.with { $0.responseStatus = status })
                try await call.finishRequests()
                for try await _ in call.responses {}
            }
        }
    }

    static func specialStatusMessage(_ channel: GRPCChannel) async throws {
        let message = "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n"
        try await Check.fails(with: .unknown, message: message, "unary") {
            _ = try await channel.unary(
                TestServiceMethods.unaryCall,
                .with {
                    $0.responseStatus = .with {
                        $0.code = 2
                        $0.message = message
                    }
                })
        }
    }

    static func unimplementedMethod(_ channel: GRPCChannel) async throws {
        try await Check.fails(with: .unimplemented, "TestService/UnimplementedCall") {
            _ = try await channel.unary(TestServiceMethods.unimplementedCall, Grpc_Testing_Empty())
        }
    }

    static func unimplementedService(_ channel: GRPCChannel) async throws {
        try await Check.fails(with: .unimplemented, "UnimplementedService/UnimplementedCall") {
            _ = try await channel.unary(UnimplementedServiceMethods.unimplementedCall, Grpc_Testing_Empty())
        }
    }
}
