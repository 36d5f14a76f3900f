import Foundation
import Kube
import KubeTestSupport
import Testing

/// The two servers the conformance suite runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case double
    case real

    var testDescription: String {
        switch self {
        case .double: "in-process double"
        case .real: "real kube-apiserver v1.20.2"
        }
    }
}

/// Servers shared by the Kubernetes suites: started on first use, stopped by the
/// `.kubeFixtures` suite trait when the suites are done (and by kube-testenv's watchdog if this
/// process dies first).
actor KubeFixtures {
    static let shared = KubeFixtures()

    struct RealServer: Sendable {
        var environment: KubeTestEnvironment
        /// HTTPS, straight to the apiserver: the client trusts its CA (`caFile`).
        var url: URL { URL(string: environment.server)! }
        var caFile: String { environment.caFile }
    }

    private var double: Task<KubeAPIDouble, any Error>?
    private var real: Task<RealServer, any Error>?
    /// A second apiserver that compacts etcd every second and has no watch cache: the only way
    /// to make a real server answer 410 Expired on demand.
    private var compacting: Task<RealServer, any Error>?

    func doubleServer() async throws -> KubeAPIDouble {
        if double == nil { double = Task { try await KubeAPIDouble.start() } }
        return try await double!.value
    }

    private var privateDoubles: [KubeAPIDouble] = []

    /// A double of its own for one test (stopped with the others).
    func privateDouble() async throws -> KubeAPIDouble {
        let server = try await KubeAPIDouble.start()
        privateDoubles.append(server)
        return server
    }

    func realServer() async throws -> RealServer {
        if real == nil { real = Task { try await Self.startReal(compactionInterval: nil, watchCache: true) } }
        return try await real!.value
    }

    func compactingServer() async throws -> RealServer {
        if compacting == nil {
            compacting = Task { try await Self.startReal(compactionInterval: "1s", watchCache: false) }
        }
        return try await compacting!.value
    }

    private static func startReal(compactionInterval: String?, watchCache: Bool) async throws -> RealServer {
        let environment = try await KubeTestEnvironment.start(
            compactionInterval: compactionInterval, watchCache: watchCache)
        return RealServer(environment: environment)
    }

    /// Stops whatever was started.
    func shutdown() async {
        if let double, let server = try? await double.value { await server.stop() }
        for server in privateDoubles { await server.stop() }
        privateDoubles = []
        for task in [real, compacting].compactMap({ $0 }) {
            if let server = try? await task.value { try? await server.environment.stop() }
        }
        double = nil
        real = nil
        compacting = nil
    }
}

/// Stops the shared servers after the suite it is attached to.
struct KubeFixturesTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        do {
            try await function()
        } catch {
            await KubeFixtures.shared.shutdown()
            throw error
        }
        await KubeFixtures.shared.shutdown()
    }
}

extension Trait where Self == KubeFixturesTrait {
    static var kubeFixtures: Self { Self() }
}

/// The top-level suite of every test that uses a shared server; the others are nested in it
/// (in extensions, one file each), so the servers stop once, after all of them.
@Suite(.kubeFixtures, .enabled(if: KubeTestEnvironment.shouldRun, "kube-apiserver not built (make deps)"))
struct KubeServerTests {}
