import Foundation
import InMemoryLogging
import Kube
import KubeTestSupport
import Logging
import Testing
import Transport

/// How the client behaves when the server misbehaves: deadlines, retries, partitions. Each test
/// has a double of its own, so faults never leak into other tests.
@Suite("Client under faults")
struct ClientFaultTests {
    static func withDouble(
        _ options: KubeAPIDouble.Options = KubeAPIDouble.Options(), _ body: (KubeAPIDouble) async throws -> Void
    ) async throws {
        let double = try await KubeAPIDouble.start(options)
        do {
            try await body(double)
        } catch {
            await double.stop()
            throw error
        }
        await double.stop()
    }

    static func fastRetries(timeout: Duration = .seconds(10)) -> KubeClientOptions {
        KubeClientOptions(
            requestTimeout: timeout, retry: RetryPolicy(maximumAttempts: 4, initialBackoff: .milliseconds(10)),
            unitRandom: { 0.5 })
    }

    @Test("a request to a server that accepts but never answers fails at its deadline")
    func deadlineAgainstSilentServer() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        let accepted = Task {
            var held: [TCPConnection] = []
            while let connection = try? await listener.accept(deadline: .never) { held.append(connection) }
            return held.count
        }
        defer {
            listener.close()
            accepted.cancel()
        }
        let client = try KubeClient(
            KubeConfiguration(server: URL(string: "http://127.0.0.1:\(listener.port)")!),
            options: KubeClientOptions(requestTimeout: .milliseconds(500)))
        let error = try await withTimeout(.seconds(20), "the client's own deadline") {
            await #expect(throws: KubeError.self) { try await client.get(Lease.self, "x", namespace: "default") }
        }
        guard case .timedOut = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
    }

    @Test("a hanging answer and a hanging watch both end by their deadlines")
    func hangingDouble() async throws {
        try await Self.withDouble { double in
            double.faults.add(.init(.init(method: "GET"), .hang))
            let client = try KubeClient(
                double.configuration(), options: KubeClientOptions(requestTimeout: .milliseconds(300)))
            let error = try await withTimeout(.seconds(20), "deadline") {
                await #expect(throws: KubeError.self) { try await client.get(ConfigMap.self, "x") }
            }
            #expect({ if case .timedOut = error { true } else { false } }())
            let watch = try await client.watch(ConfigMap.self)
            let watchError = try await withTimeout(.seconds(20), "watch head deadline") {
                await #expect(throws: KubeError.self) { for try await _ in watch {} }
            }
            #expect({ if case .timedOut = watchError { true } else { false } }())
        }
    }

    @Test("added latency delays an answer; past the deadline the call times out instead")
    func latency() async throws {
        try await Self.withDouble { double in
            let client = try KubeClient(
                double.configuration(), options: KubeClientOptions(requestTimeout: .seconds(10)))
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c")))
            double.faults.add(.init(.init(method: "GET"), .delay(.milliseconds(200)), times: 1))
            _ = try await client.get(ConfigMap.self, "c")
            double.faults.add(.init(.init(method: "GET"), .delay(.seconds(30)), times: 1))
            let error = try await withTimeout(.seconds(20), "deadline") {
                await #expect(throws: KubeError.self) {
                    try await client.get(ConfigMap.self, "c", timeout: .milliseconds(300))
                }
            }
            #expect({ if case .timedOut = error { true } else { false } }())
        }
    }

    @Test("reads are retried after 503 and succeed; the server saw each attempt")
    func readRetried() async throws {
        try await Self.withDouble { double in
            let client = try KubeClient(double.configuration(), options: Self.fastRetries())
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c")))
            double.faults.add(
                .init(
                    .init(method: "GET", pathContains: "/configmaps/c"),
                    .respond(code: 503, reason: "ServiceUnavailable", message: "busy", retryAfterSeconds: nil), times: 2
                ))
            _ = try await client.get(ConfigMap.self, "c")
            let gets = await double.requests().filter { $0.method == "GET" && $0.path.hasSuffix("/configmaps/c") }
            #expect(gets.count == 3)
        }
    }

    @Test("a write whose answer was lost is not sent again; it did land")
    func lostAnswerNotRetried() async throws {
        try await Self.withDouble { double in
            let client = try KubeClient(double.configuration(), options: Self.fastRetries())
            let created = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c"), data: ["v": "1"]))
            // A read first, so that a pooled keep-alive connection exists that a resend could use.
            _ = try await client.get(ConfigMap.self, "c")
            double.faults.add(.init(.init(method: "PUT"), .dropResponse, times: 1))
            var changed = created
            changed.data = ["v": "2"]
            let error = await #expect(throws: KubeError.self) { try await client.update(changed) }
            guard case .transport(let failure) = error else {
                Issue.record("expected a transport failure, got \(String(describing: error))")
                return
            }
            #expect(failure.kind != .cannotConnect)
            let puts = await double.requests().filter { $0.method == "PUT" }
            #expect(puts.count == 1, "a PUT that may have landed is never sent blindly again")
            #expect(try await client.get(ConfigMap.self, "c").data == ["v": "2"])
        }
    }

    @Test("a create refused with 429 is retried (it was never applied); 429 carries Retry-After")
    func tooManyRequests() async throws {
        try await Self.withDouble { double in
            let client = try KubeClient(double.configuration(), options: Self.fastRetries())
            double.faults.add(
                .init(
                    .init(method: "POST"),
                    .respond(code: 429, reason: "TooManyRequests", message: "slow down", retryAfterSeconds: 0), times: 1
                ))
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c")))
            #expect(await double.requests().filter { $0.method == "POST" }.count == 2)

            let single = try KubeClient(double.configuration(), options: KubeClientOptions(retry: .never))
            double.faults.add(
                .init(
                    .init(method: "GET"),
                    .respond(code: 429, reason: "TooManyRequests", message: "slow down", retryAfterSeconds: 3), times: 1
                ))
            let error = await #expect(throws: KubeError.self) { try await single.get(ConfigMap.self, "c") }
            guard case .tooManyRequests(_, let after) = error else {
                Issue.record("expected tooManyRequests, got \(String(describing: error))")
                return
            }
            #expect(after == .seconds(3))
        }
    }

    @Test("a 500 on a create is not retried")
    func serverErrorOnWriteNotRetried() async throws {
        try await Self.withDouble { double in
            let client = try KubeClient(double.configuration(), options: Self.fastRetries())
            double.faults.add(
                .init(
                    .init(method: "POST"),
                    .respond(code: 503, reason: "ServiceUnavailable", message: "x", retryAfterSeconds: nil), times: 1))
            await #expect(throws: KubeError.self) {
                try await client.create(ConfigMap(metadata: ObjectMeta(name: "c")))
            }
            #expect(await double.requests().filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("a partitioned client times out while another proceeds; healing restores it")
    func partition() async throws {
        try await Self.withDouble { double in
            let cutOff = try KubeClient(
                double.configuration(token: "a"), options: KubeClientOptions(requestTimeout: .milliseconds(400)))
            let healthy = try KubeClient(
                double.configuration(token: "b"), options: KubeClientOptions(requestTimeout: .seconds(10)))
            double.faults.partition(client: "a")
            await #expect(throws: KubeError.self) { try await cutOff.list(ConfigMap.self) }
            _ = try await healthy.list(ConfigMap.self)
            double.faults.heal(client: "a")
            _ = try await cutOff.list(ConfigMap.self, timeout: .seconds(20))
        }
    }

    @Test("a token is never logged, even at trace level and on errors")
    func tokensNeverLogged() async throws {
        try await Self.withDouble(KubeAPIDouble.Options(tokens: ["planted-secret-token-42": "client"])) { double in
            let logs = InMemoryLogHandler()
            var logger = Logger(label: "kube-test", factory: { _ in logs })
            logger.logLevel = .trace
            let client = try KubeClient(double.configuration(token: "planted-secret-token-42"), logger: logger)
            _ = try await client.create(
                Secret(metadata: ObjectMeta(name: "s"), stringData: ["password": "planted-secret-value"]))
            _ = try? await client.get(Secret.self, "missing")
            let wrong = try KubeClient(double.configuration(token: "planted-wrong-token-43"), logger: logger)
            _ = try? await wrong.get(Secret.self, "s")
            let text = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!logs.entries.isEmpty)
            #expect(!text.contains("planted-secret-token-42"))
            #expect(!text.contains("planted-wrong-token-43"))
            #expect(!text.contains("planted-secret-value"))
            #expect(text.contains("kube.verb"))
        }
    }
}
