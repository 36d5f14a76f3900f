import FoundationEssentials
import GRPC
import GRPCInterop
import GRPCInteropAPI
import Logging
import PGSwarmAPI
import PGSwarmRPC
import SwiftProtobuf

/// The measurements of our client against our server (in a child process).
struct OurBenchmarks {
    let channel: GRPCChannel
    let serverPID: Int32

    static let unaryRequest = Grpc_Testing_SimpleRequest.with {
        $0.responseSize = Int32(BenchSettings.echoSize)
        $0.payload.body = Data(count: BenchSettings.echoSize)
    }

    static let streamRequest = Grpc_Testing_StreamingOutputCallRequest.with {
        $0.responseParameters = Array(
            repeating: .with { $0.size = Int32(BenchSettings.streamMessageSize) },
            count: BenchSettings.messagesPerStream)
    }

    /// Unary echo calls per second with `BenchSettings.concurrency` calls in flight.
    func unaryRate() async throws -> Double {
        let channel = channel
        let count = try await BenchSettings.measure { deadline in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<BenchSettings.concurrency {
                    group.addTask {
                        var calls = 0
                        while ContinuousClock.now < deadline {
                            _ = try await channel.unary(TestServiceMethods.unaryCall, Self.unaryRequest)
                            calls += 1
                        }
                        return calls
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        return count
    }

    /// 1 KiB messages per second received over server-streaming calls.
    func streamRate() async throws -> Double {
        let channel = channel
        return try await BenchSettings.measure { deadline in
            var messages = 0
            while ContinuousClock.now < deadline {
                messages += try await channel.serverStreaming(
                    TestServiceMethods.streamingOutputCall, Self.streamRequest
                ) {
                    call in
                    var count = 0
                    for try await _ in call.responses { count += 1 }
                    return count
                }
            }
            return messages
        }
    }

    /// The server's resident memory before and while it holds `count` idle bidirectional streams.
    func idleStreamsRSS(count: Int) async throws -> (before: Int, holding: Int) {
        _ = try await channel.unary(TestServiceMethods.emptyCall, .init())
        let before = ProcessStats.residentKiB(pid: serverPID) ?? 0
        let gate = Gate(participants: count)
        let channel = channel
        let serverPID = serverPID
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
                        try await call.write(.with { $0.responseParameters = [.with { $0.size = 1 }] })
                        var responses = call.responses.makeAsyncIterator()
                        _ = try await responses.next()
                        await gate.arriveAndWaitForRelease()
                        try await call.finishRequests()
                        while try await responses.next() != nil {}
                    }
                }
            }
            await gate.waitUntilAllArrived()
            let holding = ProcessStats.residentKiB(pid: serverPID) ?? 0
            await gate.release()
            try await group.waitForAll()
            return (before, holding)
        }
    }

    /// CPU time of the server and of this client for `count` heartbeats on one stream, each
    /// answered before the next leaves (as real heartbeats, seconds apart, are: nothing batches).
    func heartbeatCPU(count: Int) async throws -> (server: Duration, client: Duration) {
        try await channel.bidirectionalStreaming(SatelliteStreamServiceMethods.connect) { call in
            var acks = call.responses.makeAsyncIterator()
            func beat() async throws {
                try await call.write(
                    .with { $0.heartbeat = .with { $0.timestamp = Google_Protobuf_Timestamp(date: Date()) } })
                guard case .heartbeatAck? = try await acks.next()?.payload else {
                    throw BenchError("a heartbeat was not acknowledged")
                }
            }
            try await beat()
            let serverBefore = ProcessStats.cpuTime(pid: serverPID) ?? .zero
            let clientBefore = ProcessStats.ownCPUTime()
            for _ in 0..<count {
                try await beat()
            }
            let server = (ProcessStats.cpuTime(pid: serverPID) ?? .zero) - serverBefore
            let client = ProcessStats.ownCPUTime() - clientBefore
            try await call.finishRequests()
            while try await acks.next() != nil {}
            return (server, client)
        }
    }
}

/// Holds tasks until every participant arrived, then until released.
actor Gate {
    private let participants: Int
    private var arrived = 0
    private var allArrived: [CheckedContinuation<Void, Never>] = []
    private var waitingForRelease: [CheckedContinuation<Void, Never>] = []
    private var released = false

    init(participants: Int) {
        self.participants = participants
    }

    func arriveAndWaitForRelease() async {
        arrived += 1
        if arrived == participants {
            allArrived.forEach { $0.resume() }
            allArrived.removeAll()
        }
        guard !released else { return }
        await withCheckedContinuation { waitingForRelease.append($0) }
    }

    func waitUntilAllArrived() async {
        guard arrived < participants else { return }
        await withCheckedContinuation { allArrived.append($0) }
    }

    func release() {
        released = true
        waitingForRelease.forEach { $0.resume() }
        waitingForRelease.removeAll()
    }
}
