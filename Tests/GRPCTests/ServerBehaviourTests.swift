import FoundationEssentials
import GRPC
import GRPCInterop
import GRPCInteropAPI
import HTTP2
import InMemoryLogging
import Logging
import PGSwarmAPI
import PGSwarmRPC
import SwiftProtobuf
import Testing
import Transport

@testable import GRPC

@Suite("Server behaviour")
struct ServerBehaviourTests {
    static func services(_ recorder: Recorder, health: HealthService = HealthService()) -> ServiceRegistry {
        var registry = TestServer.standardServices(health: health)
        registry.add(ProbeService(recorder: recorder))
        return registry
    }

    @Test("the server enforces grpc-timeout: DEADLINE_EXCEEDED, and the handler is cancelled")
    func serverDeadline() async throws {
        let recorder = Recorder()
        let server = try await TestServer.start(services: Self.services(recorder))
        // A raw client that sends grpc-timeout but does not enforce it, so only the server can.
        let tcp = try await TCPClient.connect(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        let session = try HTTP2Session(
            role: .client, transport: tcp, configuration: SessionConfiguration(), logger: TestServer.silent)
        let running = Task { await session.run() }
        let headers = RequestHeaders(
            path: ProbeMethods.sleep.path, authority: "localhost", scheme: "http", timeout: .milliseconds(100),
            encoding: .identity, acceptedEncodings: [], metadata: Metadata())
        let id = try await session.openStream(headers: headers.fields, endStream: false)
        try await session.send(id, LengthPrefixedMessage(isCompressed: false, payload: []).encoded, endStream: true)
        var status: GRPCStatus?
        for _ in 0..<10 {
            switch try await within(.seconds(10), { try await session.nextPart(id) }) {
            case .headers(let fields, endStream: true): status = ResponseHead.statusOfTrailersOnly(fields)
            case .trailers(let fields): status = ResponseHead.status(fromTrailers: fields)
            case .headers, .data, .closed: continue
            }
            if status != nil { break }
        }
        #expect(status?.code == .deadlineExceeded)
        #expect(await recorder.waitUntil { $0.contains("sleep cancelled") })
        session.close(GRPCStatus(.cancelled, "test over"))
        _ = await running.value
        await server.stop()
    }

    @Test("cancelling the client task resets the stream and cancels the server handler")
    func clientCancellation() async throws {
        let recorder = Recorder()
        try await withServer(services: Self.services(recorder)) { _, channel in
            let call = Task {
                try await channel.bidirectionalStreaming(ProbeMethods.hold) { call in
                    try await call.write(.with { $0.responseParameters = [.with { $0.size = 1 }] })
                    for try await _ in call.responses {}
                }
            }
            #expect(await recorder.waitUntil { $0.contains("hold request") })
            call.cancel()
            await #expect(throws: GRPCStatus.self) { try await call.value }
            #expect(await recorder.waitUntil { $0.contains("hold cancelled") })
        }
    }

    @Test("an interceptor sees authorization and refuses bad tokens, and no credential is ever logged")
    func authentication() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "grpc-auth-test", factory: { _ in handler })
        logger.logLevel = .trace
        let auth = ClosureInterceptor { context in
            guard context.requestMetadata["authorization"] == "Bearer right-secret" else {
                throw GRPCStatus(.unauthenticated, "bad token")
            }
        }
        try await withServer(logger: logger, configure: { $0.interceptors = [auth] }) { _, channel in
            var good = Metadata()
            good.add("authorization", "Bearer right-secret")
            _ = try await channel.unary(TestServiceMethods.emptyCall, .init(), options: CallOptions(metadata: good))
            var bad = Metadata()
            bad.add("authorization", "Bearer wrong-secret")
            await #expect(throws: GRPCStatus(.unauthenticated, "bad token")) {
                _ = try await channel.unary(TestServiceMethods.emptyCall, .init(), options: CallOptions(metadata: bad))
            }
        }
        #expect(!handler.entries.isEmpty)
        for entry in handler.entries {
            let text = "\(entry.message) \(entry.metadata)"
            #expect(!text.contains("secret"), "logged: \(text)")
        }
    }

    @Test("an interceptor hands its result to the handler through the context's attachments")
    func attachments() async throws {
        struct Caller: Sendable { let name: String }
        let auth = ClosureInterceptor { context in
            context.attach(Caller(name: context.requestMetadata["x-caller"] ?? "nobody"))
        }
        var services = ServiceRegistry()
        services.unary(TestServiceMethods.unaryCall) { _, context in
            let caller = context.attachment(Caller.self)?.name ?? "missing"
            let absent = context.attachment(Int.self) == nil ? "" : "!"
            return .with { $0.username = caller + absent }
        }
        try await withServer(services: services, configure: { $0.interceptors = [auth] }) { _, channel in
            var metadata = Metadata()
            metadata.add("x-caller", "edge-1")
            let answer = try await channel.unary(
                TestServiceMethods.unaryCall, .init(), options: CallOptions(metadata: metadata))
            #expect(answer.username == "edge-1")
        }
    }

    @Test("unknown methods and services are UNIMPLEMENTED, in trailers-only responses")
    func unimplemented() async throws {
        try await withServer { _, channel in
            await #expect(throws: GRPCStatus(.unimplemented, "unknown method /nowhere.Service/Call")) {
                _ = try await channel.unary(
                    MethodDescriptor<Grpc_Testing_Empty, Grpc_Testing_Empty>(
                        service: "nowhere.Service", method: "Call", kind: .unary), .init())
            }
        }
    }

    @Test("health: Check, List and Watch follow status changes")
    func health() async throws {
        let health = HealthService()
        health.setStatus(.serving, forService: "grpc.testing.TestService")
        try await withServer(services: TestServer.standardServices(health: health)) { _, channel in
            let server = try await channel.unary(HealthMethods.check, .init())
            #expect(server.status == .serving)
            await #expect(throws: GRPCStatus.self) {
                _ = try await channel.unary(HealthMethods.check, .with { $0.service = "no.such.Service" })
            }
            let list = try await channel.unary(HealthMethods.list, .init())
            #expect(list.statuses["grpc.testing.TestService"]?.status == .serving)
            let seen = try await within(.seconds(10)) {
                try await channel.serverStreaming(
                    HealthMethods.watch, .with { $0.service = "grpc.testing.TestService" }
                ) {
                    call in
                    var seen: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
                    for try await update in call.responses {
                        seen.append(update.status)
                        if seen.count == 1 { health.setStatus(.notServing, forService: "grpc.testing.TestService") }
                        if seen.count == 2 { break }
                    }
                    return seen
                }
            }
            #expect(seen == [.serving, .notServing])
        }
    }

    @Test("graceful shutdown lets calls in progress finish and refuses new connections")
    func gracefulShutdown() async throws {
        let recorder = Recorder()
        let server = try await TestServer.start(services: Self.services(recorder))
        let channel = try server.channel()
        try await channel.bidirectionalStreaming(ProbeMethods.hold) { call in
            try await call.write(.with { $0.responseParameters = [.with { $0.size = 3 }] })
            var responses = call.responses.makeAsyncIterator()
            _ = try await responses.next()
            let shutdown = Task { await server.stop(gracePeriod: .seconds(10)) }
            // After GOAWAY the call still works until it ends.
            try await Task.sleep(for: .milliseconds(50))
            try await call.write(.with { $0.responseParameters = [.with { $0.size = 5 }] })
            #expect(try await responses.next()?.payload.body.count == 5)
            try await call.finishRequests()
            #expect(try await responses.next() == nil)
            await shutdown.value
        }
        #expect(await recorder.waitUntil { $0.contains("hold finished") })
        await #expect(throws: GRPCStatus.self) {
            _ = try await channel.unary(TestServiceMethods.emptyCall, .init())
        }
        await channel.shutdown()
    }

    @Test("messages above the receive limit end the call RESOURCE_EXHAUSTED, on either side")
    func receiveLimits() async throws {
        try await withServer(
            configure: { $0.maxReceiveMessageSize = 1_024 }, channel: { $0.maxReceiveMessageSize = 2_048 }
        ) { _, channel in
            let tooBig = Grpc_Testing_SimpleRequest.with { $0.payload.body = .init(count: 4_000) }
            await #expect(throws: GRPCStatus.self) {
                do {
                    _ = try await channel.unary(TestServiceMethods.unaryCall, tooBig)
                } catch let status as GRPCStatus {
                    #expect(status.code == .resourceExhausted)
                    throw status
                }
            }
            let bigAnswer = Grpc_Testing_SimpleRequest.with { $0.responseSize = 4_000 }
            await #expect(throws: GRPCStatus.self) {
                do {
                    _ = try await channel.unary(TestServiceMethods.unaryCall, bigAnswer)
                } catch let status as GRPCStatus {
                    #expect(status.code == .resourceExhausted)
                    throw status
                }
            }
            // The connection is still fine for the next call.
            _ = try await channel.unary(TestServiceMethods.emptyCall, .init())
        }
    }

    @Test("partly received messages share one connection budget; the call that overdraws it fails")
    func messageBudget() async throws {
        try await withServer(
            configure: {
                $0.maxReceiveMessageSize = 1 << 20
                $0.connection.maxBufferedMessageBytes = 64 * 1_024
            }
        ) { _, channel in
            let tooBig = Grpc_Testing_SimpleRequest.with { $0.payload.body = .init(count: 200_000) }
            await #expect(throws: GRPCStatus.self) {
                do {
                    _ = try await channel.unary(TestServiceMethods.unaryCall, tooBig)
                } catch let status as GRPCStatus {
                    #expect(status.code == .resourceExhausted)
                    throw status
                }
            }
            // The failed call gave its share back: calls that fit keep working, one after another.
            for _ in 0..<3 {
                let fits = Grpc_Testing_SimpleRequest.with { $0.payload.body = .init(count: 50_000) }
                _ = try await channel.unary(TestServiceMethods.unaryCall, fits)
            }
        }
    }

    @Test("a client that does not read stops the server's writes at the flow-control window")
    func backpressure() async throws {
        let recorder = Recorder()
        try await withServer(services: Self.services(recorder)) { _, channel in
            try await channel.serverStreaming(ProbeMethods.flood, .init()) { call in
                var responses = call.responses.makeAsyncIterator()
                _ = try await responses.next()
                // Give the server every chance to run ahead (bounded wait, no timing assertion).
                var previous = -1
                for _ in 0..<50 {
                    try await Task.sleep(for: .milliseconds(20))
                    let writes = await recorder.floodWrites
                    if writes == previous { break }
                    previous = writes
                }
                let stalledAt = await recorder.floodWrites
                // Window 1 MiB + high-water 256 KiB, in 1 KiB messages, plus slack.
                #expect(stalledAt < 1_600, "the server wrote \(stalledAt) messages ahead of the reader")
                var read = 1
                while try await responses.next() != nil { read += 1 }
                #expect(read == ProbeService.floodLimit)
            }
        }
    }

    @Test("200 concurrent calls share one connection")
    func multiplexing() async throws {
        let recorder = Recorder()
        try await withServer(services: Self.services(recorder)) { _, channel in
            let peers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await channel.unary(ProbeMethods.whoAmI, .init()).username }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(peers.count == 1)
        }
    }
}
