import GRPC
import GRPCInterop
import HTTP2
import Logging
import PGSwarmRPC

/// A server on a loopback port for one test, with the interop and health services unless told
/// otherwise; always shut down by `withServer`.
struct TestServer: Sendable {
    let server: GRPCServer
    let task: Task<Void, any Error>

    var port: UInt16 { server.port }

    static let silent = Logger(label: "grpc-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func standardServices(health: HealthService = HealthService()) -> ServiceRegistry {
        var registry = ServiceRegistry()
        registry.add(TestServiceProvider())
        registry.add(health)
        return registry
    }

    static func start(
        services: ServiceRegistry = standardServices(), logger: Logger = silent,
        configure: (inout GRPCServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = GRPCServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.maxReceiveMessageSize = 16 << 20
        configuration.connection.http2.maxConcurrentStreams = 256
        configure(&configuration)
        let server = try await GRPCServer.bind(configuration, services: services, logger: logger)
        return TestServer(server: server, task: Task { try await server.run() })
    }

    func stop(gracePeriod: Duration = .seconds(1)) async {
        await server.shutdown(gracePeriod: gracePeriod)
        _ = await task.result
    }

    func channel(
        logger: Logger = silent, configure: (inout GRPCChannelConfiguration) -> Void = { _ in }
    ) throws -> GRPCChannel {
        var configuration = GRPCChannelConfiguration(host: "127.0.0.1", port: port)
        configuration.maxReceiveMessageSize = 16 << 20
        configuration.backoff = ConnectionBackoff(initial: .milliseconds(50), maximum: .milliseconds(200))
        configure(&configuration)
        return try GRPCChannel(configuration: configuration, logger: logger)
    }
}

/// Runs `body` with a started server and a channel to it; both are always closed.
@discardableResult
func withServer<Result>(
    services: ServiceRegistry = TestServer.standardServices(), logger: Logger = TestServer.silent,
    configure: (inout GRPCServerConfiguration) -> Void = { _ in },
    channel configureChannel: (inout GRPCChannelConfiguration) -> Void = { _ in },
    _ body: (TestServer, GRPCChannel) async throws -> Result
) async throws -> Result {
    let server = try await TestServer.start(services: services, logger: logger, configure: configure)
    let channel: GRPCChannel
    do {
        channel = try server.channel(logger: logger, configure: configureChannel)
    } catch {
        await server.stop()
        throw error
    }
    do {
        let result = try await body(server, channel)
        await channel.shutdown()
        await server.stop()
        return result
    } catch {
        await channel.shutdown()
        await server.stop()
        throw error
    }
}

/// Fails a test step that takes longer than `limit` instead of hanging the suite.
func within<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeLimitExceeded(limit: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}

struct TimeLimitExceeded: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "did not finish within \(limit)" }
}
