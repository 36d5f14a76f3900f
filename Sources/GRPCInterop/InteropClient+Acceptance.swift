import FoundationEssentials
import GRPC
import GRPCInteropAPI
import SwiftProtobuf

/// Acceptance scenarios beyond the standard cases (issue 3): large messages, many streams on
/// one connection, and a long idle stream kept by keepalive.
extension InteropClient {
    static let largeMessageSize = 8 << 20

    static func largeMessages(_ channel: GRPCChannel) async throws {
        let request = Grpc_Testing_SimpleRequest.with {
            $0.responseSize = Int32(largeMessageSize)
            $0.payload = zeros(largeMessageSize)
        }
        let response = try await channel.unary(TestServiceMethods.unaryCall, request)
        try Check.equal(response.payload.body.count, largeMessageSize, "response size")
    }

    /// How many calls `concurrentStreams` holds open at once.
    static let concurrentCallCount = 200

    /// Opens every call and gets a first response on each before any is finished, so all of them
    /// are open streams on the connection at the same moment.
    static func concurrentStreams(_ channel: GRPCChannel) async throws {
        let opened = AsyncCounter(target: concurrentCallCount)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<concurrentCallCount {
                group.addTask {
                    try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
                        var responses = call.responses.makeAsyncIterator()
                        try await call.write(
                            .with {
                                $0.responseParameters = [.with { $0.size = Int32(index + 1) }]
                            })
                        let first = try await responses.next()
                        try Check.equal(first?.payload.body.count, index + 1, "first response of call \(index)")
                        await opened.arriveAndWait()
                        try await call.write(.with { $0.responseParameters = [.with { $0.size = 1 }] })
                        _ = try await responses.next()
                        try await call.finishRequests()
                        try Check.that(try await responses.next() == nil, "call \(index) ends after two responses")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// One bidirectional call, idle for `idleFor` between two exchanges.
    static func idleStream(_ channel: GRPCChannel, idleFor idle: Duration) async throws {
        try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
            var responses = call.responses.makeAsyncIterator()
            for round in 0..<2 {
                if round == 1 {
                    try await Task.sleep(for: idle)
                }
                try await call.write(.with { $0.responseParameters = [.with { $0.size = 10 }] })
                let response = try await responses.next()
                try Check.equal(response?.payload.body.count, 10, "response of round \(round)")
            }
            try await call.finishRequests()
            try Check.that(try await responses.next() == nil, "the call ends OK")
        }
    }
}

/// A barrier: every participant waits until `target` have arrived.
actor AsyncCounter {
    private let target: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(target: Int) {
        self.target = target
    }

    func arriveAndWait() async {
        arrived += 1
        if arrived >= target {
            for waiter in waiting {
                waiter.resume()
            }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
