import FoundationEssentials
import GRPC
import GRPCInteropAPI
import SwiftProtobuf

/// Methods for behaviour tests, on grpc.testing messages.
enum ProbeMethods {
    static let service = "pgswarm.test.Probe"
    /// Sleeps until cancelled (or 30 s), recording how it ended.
    static let sleep = MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_Empty>(
        service: service, method: "Sleep", kind: .unary)
    /// Holds a bidirectional call open, echoing sizes, recording how it ended.
    static let hold = MethodDescriptor<
        Grpc_Testing_StreamingOutputCallRequest, Grpc_Testing_StreamingOutputCallResponse
    >(
        service: service, method: "Hold", kind: .bidirectionalStreaming)
    /// Streams 1 KiB messages as fast as the client takes them, counting them.
    static let flood = MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_StreamingOutputCallResponse>(
        service: service, method: "Flood", kind: .serverStreaming)
    /// Answers with the caller's address (in `username`).
    static let whoAmI = MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_SimpleResponse>(
        service: service, method: "WhoAmI", kind: .unary)
}

/// What handlers observed, for tests to wait on.
actor Recorder {
    private(set) var events: [String] = []
    private(set) var floodWrites = 0

    func record(_ event: String) {
        events.append(event)
    }

    func countFloodWrite() {
        floodWrites += 1
    }

    /// Polls until `predicate` holds; bounded by `limit` (then returns false).
    func waitUntil(_ limit: Duration = .seconds(10), _ predicate: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if predicate(events) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return predicate(events)
    }
}

struct ProbeService: GRPCService {
    static let floodLimit = 20_000
    let recorder: Recorder

    func register(into registry: inout ServiceRegistry) {
        let recorder = recorder
        registry.unary(ProbeMethods.sleep) { _, _ in
            do {
                try await Task.sleep(for: .seconds(30))
                await recorder.record("sleep finished")
            } catch {
                await recorder.record("sleep cancelled")
                throw error
            }
            return Grpc_Testing_Empty()
        }
        registry.bidirectionalStreaming(ProbeMethods.hold) { requests, writer, _ in
            do {
                for try await request in requests {
                    await recorder.record("hold request")
                    try await writer.write(
                        .with { $0.payload.body = .init(count: Int(request.responseParameters.first?.size ?? 0)) })
                }
                await recorder.record("hold finished")
            } catch {
                await recorder.record("hold cancelled")
                throw error
            }
        }
        registry.serverStreaming(ProbeMethods.flood) { _, writer, _ in
            let message = Grpc_Testing_StreamingOutputCallResponse.with { $0.payload.body = .init(count: 1_024) }
            for _ in 0..<Self.floodLimit {
                try await writer.write(message)
                await recorder.countFloodWrite()
            }
        }
        registry.unary(ProbeMethods.whoAmI) { _, context in
            .with { $0.username = context.peer }
        }
    }
}
