public import GRPC
public import PGSwarmAPI
import SwiftProtobuf
import Synchronization

/// The standard health service (`grpc.health.v1.Health`): Check, List and Watch.
///
/// The server's own status is the service name "". Set statuses with `setStatus`; Watch
/// calls see every change. Unknown services: Check answers NOT_FOUND, Watch sends
/// SERVICE_UNKNOWN and stays open (the service may appear later), per health-checking.md.
public final class HealthService: GRPCService {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    /// List answers RESOURCE_EXHAUSTED above this many services (health-checking.md allows it),
    /// so one call cannot be made to build an unbounded response.
    public static let maxListedServices = 100

    private struct State {
        var statuses: [String: Status] = ["": .serving]
        var watchers: [UInt64: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
        var nextWatcherID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func setStatus(_ status: Status, forService service: String = "") {
        state.withLock { state in
            state.statuses[service] = status
            for (_, watcher) in state.watchers where watcher.service == service {
                watcher.continuation.yield(status)
            }
        }
    }

    public func status(ofService service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    public func register(into registry: inout ServiceRegistry) {
        registry.unary(HealthMethods.check) { request, _ in
            guard let status = self.status(ofService: request.service) else {
                throw GRPCStatus(.notFound, "unknown service \(request.service)")
            }
            return .with { $0.status = status }
        }
        registry.unary(HealthMethods.list) { _, _ in
            let statuses = self.state.withLock { $0.statuses }
            guard statuses.count <= Self.maxListedServices else {
                throw GRPCStatus(.resourceExhausted, "more than \(Self.maxListedServices) services")
            }
            return .with { response in
                for (service, status) in statuses {
                    response.statuses[service] = .with { $0.status = status }
                }
            }
        }
        registry.serverStreaming(HealthMethods.watch) { request, writer, _ in
            let (updates, id) = self.watch(request.service)
            defer { self.stopWatching(id) }
            for await status in updates {
                try await writer.write(.with { $0.status = status })
            }
        }
    }

    /// A stream of the service's statuses: the current one first, then every change. Only the
    /// newest pending status is kept, so a slow watcher sees the latest state, not a backlog.
    private func watch(_ service: String) -> (AsyncStream<Status>, UInt64) {
        let (stream, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            state.nextWatcherID += 1
            state.watchers[state.nextWatcherID] = (service, continuation)
            continuation.yield(state.statuses[service] ?? .serviceUnknown)
            return state.nextWatcherID
        }
        return (stream, id)
    }

    private func stopWatching(_ id: UInt64) {
        let removed = state.withLock { $0.watchers.removeValue(forKey: id) }
        removed?.continuation.finish()
    }
}
