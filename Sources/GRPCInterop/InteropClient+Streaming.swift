import FoundationEssentials
import GRPC
import GRPCInteropAPI
import SwiftProtobuf

/// The streaming and cancellation test cases.
extension InteropClient {
    static let requestSizes = [27_182, 8, 1_828, 45_904]
    static let responseSizes = [31_415, 9, 2_653, 58_979]

    static func clientStreaming(_ channel: GRPCChannel) async throws {
        let response = try await channel.clientStreaming(TestServiceMethods.streamingInputCall) { call in
            for size in requestSizes {
                try await call.write(.with { $0.payload = zeros(size) })
            }
        }
        try Check.equal(response.message.aggregatedPayloadSize, 74_922, "aggregated payload size")
    }

    static func clientCompressedStreaming(_ channel: GRPCChannel) async throws {
        try await Check.fails(with: .invalidArgument, "uncompressed probe") {
            _ = try await channel.clientStreaming(TestServiceMethods.streamingInputCall) { call in
                try await call.write(
                    .with {
                        $0.expectCompressed = .with { $0.value = true }
                        $0.payload = zeros(27_182)
                    })
            }
        }
        let response = try await channel.clientStreaming(
            TestServiceMethods.streamingInputCall, options: CallOptions(compression: .gzip)
        ) { call in
            try await call.write(
                .with {
                    $0.expectCompressed = .with { $0.value = true }
                    $0.payload = zeros(27_182)
                }, compress: true)
            try await call.write(
                .with {
                    $0.expectCompressed = .with { $0.value = false }
                    $0.payload = zeros(45_904)
                }, compress: false)
        }
        try Check.equal(response.message.aggregatedPayloadSize, 73_086, "aggregated payload size")
    }

    static func serverStreaming(_ channel: GRPCChannel) async throws {
        let request = Grpc_Testing_StreamingOutputCallRequest.with {
            $0.responseParameters = responseSizes.map { size in .with { $0.size = Int32(size) } }
        }
        let sizes = try await channel.serverStreaming(TestServiceMethods.streamingOutputCall, request) { call in
            var sizes: [Int] = []
            for try await response in call.responses {
                sizes.append(response.payload.body.count)
            }
            return sizes
        }
        try Check.equal(sizes, responseSizes, "response sizes")
    }

    static func serverCompressedStreaming(_ channel: GRPCChannel) async throws {
        let request = Grpc_Testing_StreamingOutputCallRequest.with {
            $0.responseParameters = [
                .with {
                    $0.compressed = .with { $0.value = true }
                    $0.size = 31_415
                },
                .with {
                    $0.compressed = .with { $0.value = false }
                    $0.size = 92_653
                },
            ]
        }
        let seen = try await channel.serverStreaming(TestServiceMethods.streamingOutputCall, request) { call in
            var seen: [(Int, Bool)] = []
            for try await response in call.responses {
                seen.append((response.payload.body.count, call.lastResponseWasCompressed))
            }
            return seen.map { "\($0.0):\($0.1)" }
        }
        try Check.equal(seen, ["31415:true", "92653:false"], "response sizes and compression")
    }

    static func pingPong(_ channel: GRPCChannel) async throws {
        try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
            var responses = call.responses.makeAsyncIterator()
            for (requestSize, responseSize) in zip(requestSizes, responseSizes) {
                try await call.write(
                    .with {
                        $0.responseParameters = [.with { $0.size = Int32(responseSize) }]
                        $0.payload = zeros(requestSize)
                    })
                guard let response = try await responses.next() else {
                    throw InteropFailure("the stream ended before the response to \(requestSize) bytes")
                }
                try Check.equal(response.payload.body.count, responseSize, "response size")
            }
            try await call.finishRequests()
            try Check.that(try await responses.next() == nil, "no response after the last ping")
        }
    }

    static func emptyStream(_ channel: GRPCChannel) async throws {
        try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
            try await call.finishRequests()
            var count = 0
            for try await _ in call.responses { count += 1 }
            try Check.equal(count, 0, "responses")
        }
    }

    static func timeoutOnSleepingServer(_ channel: GRPCChannel) async throws {
        try await Check.fails(with: .deadlineExceeded, "full duplex with a 1 ms deadline") {
            try await channel.bidirectionalStreaming(
                TestServiceMethods.fullDuplexCall, options: CallOptions(timeout: .milliseconds(1))
            ) { call in
                try await call.write(.with { $0.payload = zeros(27_182) })
                for try await _ in call.responses {}
            }
        }
    }

    static func cancelAfterBegin(_ channel: GRPCChannel) async throws {
        try await Check.fails(with: .cancelled, "streaming input cancelled before any request") {
            _ = try await channel.clientStreaming(TestServiceMethods.streamingInputCall) { call in
                call.cancel()
            }
        }
    }

    static func cancelAfterFirstResponse(_ channel: GRPCChannel) async throws {
        try await Check.fails(with: .cancelled, "full duplex cancelled after one response") {
            try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
                try await call.write(
                    .with {
                        $0.responseParameters = [.with { $0.size = 31_415 }]
                        $0.payload = zeros(27_182)
                    })
                var responses = call.responses.makeAsyncIterator()
                _ = try await responses.next()
                call.cancel()
                _ = try await responses.next()
            }
        }
    }
}
