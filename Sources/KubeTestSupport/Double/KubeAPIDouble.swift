public import Foundation
public import Kube

/// An in-process Kubernetes API server for tests (spec/k8s-api-semantics.md §4): resource
/// versions, optimistic concurrency, selectors, pagination, the three patch kinds, watches with
/// bookmarks, timeouts and 410 after compaction, Status errors shaped like the real server's,
/// and fault injection (`faults`). Plain HTTP on 127.0.0.1.
///
/// It serves Lease, Pod, Service, Endpoints, StatefulSet, ConfigMap, Secret, ServiceAccount,
/// Role, RoleBinding, PodDisruptionBudget (policy/v1 by default; `policyVersions: ["v1beta1"]`
/// behaves like a 1.20 server), Event, Namespace, PersistentVolumeClaim, StorageClass and
/// Node. Not modelled: server-side apply, RBAC (every valid token is admin), lists at an exact
/// past resourceVersion (served from the current state unless compacted), controllers.
public final class KubeAPIDouble: Sendable {
    public struct Options: Sendable {
        /// Versions of policy PodDisruptionBudgets served (`[]`: none).
        public var policyVersions: [String]
        /// A watch without `timeoutSeconds` ends after this long (the real default is 30-60 min).
        public var defaultWatchTimeout: Duration
        /// Send BOOKMARK events this often to watches that allow them (nil: only at the end).
        public var bookmarkInterval: Duration?
        /// Watch events kept; a watch from before the oldest gets 410 Expired.
        public var eventLogLimit: Int
        /// Accepted bearer tokens and the client name of each; nil accepts any request.
        public var tokens: [String: String]?
        /// Wall clock for creationTimestamp and deletionTimestamp.
        public var now: @Sendable () -> Date

        public init(
            policyVersions: [String] = ["v1"], defaultWatchTimeout: Duration = .seconds(1800),
            bookmarkInterval: Duration? = nil, eventLogLimit: Int = 100_000, tokens: [String: String]? = nil,
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.policyVersions = policyVersions
            self.defaultWatchTimeout = defaultWatchTimeout
            self.bookmarkInterval = bookmarkInterval
            self.eventLogLimit = eventLogLimit
            self.tokens = tokens
            self.now = now
        }
    }

    public let faults: FaultInjector
    public let url: URL
    private let handler: DoubleHandler
    private let server: HTTPServer

    private init(handler: DoubleHandler, server: HTTPServer) {
        self.handler = handler
        self.server = server
        self.faults = handler.faults
        self.url = URL(string: "http://127.0.0.1:\(server.port)")!
    }

    public static func start(_ options: Options = Options()) async throws -> KubeAPIDouble {
        let catalog = ResourceCatalog(policyVersions: options.policyVersions)
        let store = APIStore(
            catalog: catalog, now: options.now, eventLogLimit: options.eventLogLimit, initialRevision: 100)
        let handler = DoubleHandler(store: store, catalog: catalog, faults: FaultInjector(), options: options)
        let server = try await HTTPServer.start { request in await handler.handle(request) }
        return KubeAPIDouble(handler: handler, server: server)
    }

    /// A client configuration for this server, authenticating with `token` (which is also the
    /// client's identity for fault injection).
    public func configuration(token: String = "test-client", namespace: String = "default") -> KubeConfiguration {
        KubeConfiguration(server: url, credentials: .bearerToken(StaticToken(token)), namespace: namespace)
    }

    /// Forgets the watch history up to `resourceVersion` (default: all of it), like an etcd
    /// compaction: watches and exact lists from older versions get 410 Expired.
    public func compact(through resourceVersion: String? = nil) async {
        await handler.store.compact(through: resourceVersion.flatMap { Int($0) })
    }

    public func currentResourceVersion() async -> String {
        String(await handler.store.currentRevision())
    }

    /// Closes open watch streams abruptly (all, or one client's).
    public func dropWatches(client: String? = nil) {
        handler.dropWatches(client: client)
    }

    public func openWatchCount() async -> Int {
        await handler.store.openWatchCount()
    }

    /// Requests received so far (bounded to the last 10,000).
    public func requests() async -> [RecordedRequest] {
        await handler.store.recordedRequests()
    }

    public func stop() async {
        await server.stop()
    }
}
