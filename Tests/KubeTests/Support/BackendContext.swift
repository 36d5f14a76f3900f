import Foundation
import Kube
import KubeTestSupport
import Testing

/// One test's view of a backend: a fresh namespace and clients for it.
struct BackendContext: Sendable {
    let backend: Backend
    let namespace: String
    private let url: URL
    private let token: String
    /// The real server's CA (it serves HTTPS); nil for the plain-HTTP double.
    private var caFile: String?

    /// Runs `body` against `backend` in a namespace of its own (never deleted: a namespace
    /// without a controller-manager stays Terminating; the servers are thrown away anyway).
    static func with(_ backend: Backend, _ body: (BackendContext) async throws -> Void) async throws {
        let context: BackendContext
        let namespace = uniqueName("t")
        switch backend {
        case .double:
            let server = try await KubeFixtures.shared.doubleServer()
            context = BackendContext(backend: backend, namespace: namespace, url: server.url, token: "admin")
        case .real:
            let server = try await KubeFixtures.shared.realServer()
            context = BackendContext(
                backend: backend, namespace: namespace, url: server.url, token: server.environment.adminToken,
                caFile: server.caFile)
        }
        _ = try await context.client().create(Namespace(metadata: ObjectMeta(name: namespace)))
        try await body(context)
    }

    func configuration(token: String? = nil) -> KubeConfiguration {
        KubeConfiguration(
            server: url, credentials: .bearerToken(StaticToken(token ?? self.token)),
            certificateAuthority: caFile.map(PEMSource.file), namespace: namespace)
    }

    /// A new client (its own connections) in this test's namespace.
    func client(token: String? = nil, options: KubeClientOptions = KubeClientOptions(requestTimeout: .seconds(20)))
        throws
        -> KubeClient
    {
        try KubeClient(configuration(token: token), options: options)
    }

    /// A server whose history can be compacted on demand, with this test's namespace on it: a
    /// private double (compacting the shared one would expire other tests' watches), or the
    /// compacting real apiserver. `compact(rv)` returns once a watch from `rv` is too old.
    func compactingServer() async throws -> (client: KubeClient, compact: @Sendable (String) async throws -> Void) {
        let options = KubeClientOptions(requestTimeout: .seconds(20))
        switch backend {
        case .double:
            let server = try await KubeFixtures.shared.privateDouble()
            let client = try KubeClient(server.configuration(token: "admin", namespace: namespace), options: options)
            _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
            return (client, { _ in await server.compact() })
        case .real:
            let server = try await KubeFixtures.shared.compactingServer()
            let client = try KubeClient(
                KubeConfiguration(
                    server: server.url, credentials: .bearerToken(StaticToken(server.environment.adminToken)),
                    certificateAuthority: .file(server.caFile), namespace: namespace),
                options: options)
            _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
            return (client, { version in try await Self.waitForCompaction(configMapsAt: version, using: client) })
        }
    }

    /// Waits until ConfigMaps at `resourceVersion` are compacted away on the compacting real
    /// server: an exact list at it answers 410. That server compacts every second, to the
    /// revision it saw a second before, so writes elsewhere (a Lease) move it along.
    private static func waitForCompaction(configMapsAt resourceVersion: String, using client: KubeClient) async throws {
        let lease = try await client.create(Lease(metadata: ObjectMeta(name: uniqueName("tick"))))
        for attempt in 0..<120 {
            do {
                _ = try await client.list(
                    ConfigMap.self,
                    options: ListOptions(limit: 1, resourceVersion: resourceVersion, resourceVersionMatch: "Exact"))
            } catch KubeError.gone {
                return
            }
            _ = try await client.patch(
                Lease.self, lease.metadata.name!, .merge(["spec": ["holderIdentity": .string("tick-\(attempt)")]]))
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("resourceVersion \(resourceVersion) was not compacted within 30 s")
    }
}

/// A short unique DNS-label name.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out: \(what)" }
}

/// Runs `body`, failing with `TimedOut` after `limit`, so that no test waits forever.
func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// The first `count` elements of `stream`, within `limit`.
func collect<Element: Sendable>(
    _ count: Int, from stream: AsyncThrowingStream<Element, any Error>, within limit: Duration = .seconds(20),
    until stop: @escaping @Sendable (Element) -> Bool = { _ in false }
) async throws -> [Element] {
    try await withTimeout(limit, "\(count) stream elements") {
        var collected: [Element] = []
        for try await element in stream {
            collected.append(element)
            if collected.count >= count || stop(element) { break }
        }
        return collected
    }
}
