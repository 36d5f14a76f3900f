import Foundation
import Kube
import KubeTestSupport
import Testing

@Suite("LeaseClient and discovery")
struct LeaseClientTests {
    @Test("lost races are answers: a second create and a stale update return lostRace")
    func lostRaces() async throws {
        try await ClientFaultTests.withDouble { double in
            // Generous: the test runs beside the whole suite on two cores; the bound is not its point.
            let leases = LeaseClient(
                client: try KubeClient(double.configuration()), namespace: "default", timeout: .seconds(20))
            #expect(try await leases.get("leader") == nil)
            let lease = Lease(
                metadata: ObjectMeta(name: "leader"), spec: LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15))
            guard case .written(let stored) = try await leases.create(lease) else {
                Issue.record("the first create must win")
                return
            }
            #expect(try await leases.create(lease) == .lostRace)
            var renewed = stored
            renewed.spec?.renewTime = MicroTime(Timestamp(seconds: 1))
            guard case .written = try await leases.update(renewed) else {
                Issue.record("an update with the current version must win")
                return
            }
            #expect(try await leases.update(stored) == .lostRace)
            #expect(LeaseClient.isHeld(try #require(try await leases.get("leader")), by: "a"))
            let before = await double.requests().count
            await #expect(throws: KubeError.self) { try await leases.update(lease) }
            #expect(await double.requests().count == before, "an update without a version is refused locally")
        }
    }

    @Test("a Lease call that hangs ends within the LeaseClient's bound")
    func boundedTimeout() async throws {
        try await ClientFaultTests.withDouble { double in
            let leases = LeaseClient(
                client: try KubeClient(double.configuration()), namespace: "default", timeout: .milliseconds(300))
            double.faults.add(.init(.init(pathContains: "/leases"), .hang))
            let error = try await withTimeout(.seconds(20), "lease deadline") {
                await #expect(throws: KubeError.self) { try await leases.get("leader") }
            }
            #expect({ if case .timedOut = error { true } else { false } }())
        }
    }

    @Test(
        "PodDisruptionBudgets use policy/v1, fall back to v1beta1, or report unsupported",
        arguments: [(["v1"], "policy/v1"), (["v1beta1"], "policy/v1beta1"), ([], "")])
    func podDisruptionBudgetDiscovery(served: [String], expected: String) async throws {
        try await ClientFaultTests.withDouble(KubeAPIDouble.Options(policyVersions: served)) { double in
            let client = try KubeClient(double.configuration())
            let budget = PodDisruptionBudget(
                metadata: ObjectMeta(name: "pg"),
                spec: PodDisruptionBudgetSpec(maxUnavailable: .int(1), selector: try .matchLabels(["app": "pg"])))
            if expected.isEmpty {
                let error = await #expect(throws: KubeError.self) { try await client.create(budget) }
                #expect({ if case .unsupported = error { true } else { false } }())
                return
            }
            let created = try await client.create(budget)
            #expect(created.apiVersion == expected)
            #expect(try await client.get(PodDisruptionBudget.self, "pg").spec?.maxUnavailable == .int(1))
            var both = budget
            both.metadata.name = "both"
            both.spec?.minAvailable = .int(1)
            await #expect(throws: KubeError.self) { try await client.create(both) }
        }
    }
}
