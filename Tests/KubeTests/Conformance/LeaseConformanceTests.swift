import Foundation
import Kube
import Testing

extension KubeServerTests {
    /// The optimistic-concurrency contract that leader election rests on, on both backends.
    @Suite("Conformance: Lease create, read, update")
    struct LeaseConformance {
        static func lease(_ name: String, holder: String = "pod-0") -> Lease {
            Lease(
                metadata: ObjectMeta(name: name, labels: ["app": "pg-swarm"]),
                spec: LeaseSpec(
                    holderIdentity: holder, leaseDurationSeconds: 15,
                    acquireTime: MicroTime(Timestamp(seconds: 1_704_067_200, microseconds: 123_456)),
                    renewTime: MicroTime(Timestamp(seconds: 1_704_067_200, microseconds: 123_456)), leaseTransitions: 0)
            )
        }

        @Test("a Lease is created, read back exactly and updated with its resourceVersion", arguments: Backend.allCases)
        func createGetUpdate(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let created = try await client.create(Self.lease("leader"))
                #expect(created.metadata.uid?.isEmpty == false)
                #expect(created.metadata.namespace == context.namespace)
                #expect(created.metadata.creationTimestamp != nil)
                let version = try #require(created.metadata.resourceVersion)

                let read = try await client.get(Lease.self, "leader")
                #expect(read.metadata.resourceVersion == version)
                #expect(read.spec?.renewTime == MicroTime(Timestamp(seconds: 1_704_067_200, microseconds: 123_456)))
                #expect(read.spec?.holderIdentity == "pod-0")

                var renewed = read
                renewed.spec?.holderIdentity = "pod-1"
                renewed.spec?.leaseTransitions = 1
                let updated = try await client.update(renewed)
                #expect(updated.spec?.holderIdentity == "pod-1")
                #expect(updated.metadata.resourceVersion != version)
            }
        }

        @Test("an update carrying a stale resourceVersion is a Conflict", arguments: Backend.allCases)
        func staleUpdateConflicts(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let first = try await client.create(Self.lease("leader"))
                var winner = first
                winner.spec?.holderIdentity = "pod-1"
                _ = try await client.update(winner)
                var loser = first
                loser.spec?.holderIdentity = "pod-2"
                let error = await #expect(throws: KubeError.self) { try await client.update(loser) }
                guard case .conflict(let status) = error else {
                    Issue.record("expected conflict, got \(String(describing: error))")
                    return
                }
                #expect(status.code == 409)
                #expect(status.details?.kind == "leases")
                #expect(status.message?.contains("the object has been modified") == true)
            }
        }

        @Test("a Lease update without a resourceVersion is Invalid", arguments: Backend.allCases)
        func updateWithoutVersionIsInvalid(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                var lease = try await client.create(Self.lease("leader"))
                lease.metadata.resourceVersion = nil
                let error = await #expect(throws: KubeError.self) { try await client.update(lease) }
                guard case .invalid = error else {
                    Issue.record("expected invalid, got \(String(describing: error))")
                    return
                }
                #expect(error?.code == 422)
                #expect(error?.causes.contains { $0.field == "metadata.resourceVersion" } == true)
            }
        }

        @Test(
            "an update, which does not carry managedFields, leaves the server's in place", arguments: Backend.allCases)
        func managedFieldsSurviveUpdates(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                var lease = try await client.create(Self.lease("leader"))
                let path = "/apis/coordination.k8s.io/v1/namespaces/\(context.namespace)/leases/leader"
                let before = try JSONCoding.decode(
                    JSONValue.self, from: try await client.rawRequest(method: "GET", path: path).body)
                lease.spec?.holderIdentity = "pod-9"
                _ = try await client.update(lease)
                let after = try JSONCoding.decode(
                    JSONValue.self, from: try await client.rawRequest(method: "GET", path: path).body)
                #expect(after["spec"]?["holderIdentity"] == "pod-9")
                // The double keeps no managedFields; the real server must still have them.
                #expect((after["metadata"]?["managedFields"] == nil) == (before["metadata"]?["managedFields"] == nil))
            }
        }

        @Test("reading a missing object is NotFound", arguments: Backend.allCases)
        func missingIsNotFound(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let error = await #expect(throws: KubeError.self) { try await client.get(Lease.self, "nope") }
                guard case .notFound(let status) = error else {
                    Issue.record("expected notFound, got \(String(describing: error))")
                    return
                }
                #expect(status.reason == "NotFound")
                #expect(status.message == "leases.coordination.k8s.io \"nope\" not found")
                #expect(status.details?.group == "coordination.k8s.io")
            }
        }

        @Test("creating a name twice is AlreadyExists", arguments: Backend.allCases)
        func duplicateIsAlreadyExists(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                _ = try await client.create(Self.lease("leader"))
                let error = await #expect(throws: KubeError.self) { try await client.create(Self.lease("leader")) }
                guard case .alreadyExists(let status) = error else {
                    Issue.record("expected alreadyExists, got \(String(describing: error))")
                    return
                }
                #expect(status.code == 409)
                #expect(status.details?.name == "leader")
            }
        }

        @Test("generateName makes the server pick prefix plus five characters", arguments: Backend.allCases)
        func generateName(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let created = try await client.create(
                    ConfigMap(metadata: ObjectMeta(generateName: "gen-"), data: ["a": "1"]))
                let name = try #require(created.metadata.name)
                #expect(name.hasPrefix("gen-"))
                #expect(name.count == 9)
                #expect(name.dropFirst(4).allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
                let error = await #expect(throws: KubeError.self) {
                    try await client.create(ConfigMap(metadata: ObjectMeta(), data: [:]))
                }
                #expect(error?.code == 422)
            }
        }

        @Test("an invalid object name is Invalid with its cause", arguments: Backend.allCases)
        func badNameIsInvalid(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let error = await #expect(throws: KubeError.self) { try await client.create(Self.lease("Bad_Name")) }
                #expect(error?.code == 422)
                #expect(error?.causes.first?.field == "metadata.name")
            }
        }

        @Test("a conditional delete with a stale resourceVersion is a Conflict", arguments: Backend.allCases)
        func deletePreconditions(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let created = try await client.create(Self.lease("leader"))
                let stale = DeleteOptions(preconditions: .init(resourceVersion: "1"))
                let error = await #expect(throws: KubeError.self) {
                    try await client.delete(Lease.self, "leader", options: stale)
                }
                guard case .conflict = error else {
                    Issue.record("expected conflict, got \(String(describing: error))")
                    return
                }
                let matching = DeleteOptions(
                    preconditions: .init(uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion),
                    propagationPolicy: .background)
                guard case .status(let status) = try await client.delete(Lease.self, "leader", options: matching) else {
                    Issue.record("a Lease delete answers a Status")
                    return
                }
                #expect(status.status == "Success")
                await #expect(throws: KubeError.self) { try await client.get(Lease.self, "leader") }
            }
        }
    }
}
