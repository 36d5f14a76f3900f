import Foundation
import Kube
import Testing

extension KubeServerTests {
    @Suite("Conformance: patches")
    struct PatchConformance {
        static func pod(_ name: String, labels: [String: String]) -> Pod {
            var spec = PodSpec(containers: [
                Container(name: "db", image: "postgres:15"), Container(name: "sidecar", image: "busybox:1.36"),
            ])
            spec.containers[0].ports = [ContainerPort(name: "pg", containerPort: 5432)]
            return Pod(metadata: ObjectMeta(name: name, labels: labels), spec: spec)
        }

        @Test("a merge patch changes pod labels and deletes one with null", arguments: Backend.allCases)
        func mergePatchLabels(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let created = try await client.create(Self.pod("p1", labels: ["app": "x", "role": "primary"]))
                let patched = try await client.patch(
                    Pod.self, "p1", .merge(["metadata": ["labels": ["role": "demoted", "app": .null]]]))
                #expect(patched.metadata.labels == ["role": "demoted"])
                #expect(patched.metadata.resourceVersion != created.metadata.resourceVersion)
                let again = try await client.patch(
                    Pod.self, "p1", .merge(["metadata": ["labels": ["role": "demoted"]]]))
                #expect(
                    again.metadata.resourceVersion == patched.metadata.resourceVersion, "a no-op patch writes nothing")
            }
        }

        @Test("a merge patch carrying a stale resourceVersion is a Conflict", arguments: Backend.allCases)
        func mergePatchPrecondition(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let created = try await client.create(Self.pod("p1", labels: ["role": "primary"]))
                _ = try await client.patch(Pod.self, "p1", .merge(["metadata": ["labels": ["x": "1"]]]))
                let stale: JSONValue = [
                    "metadata": ["resourceVersion": .string(created.metadata.resourceVersion!), "labels": ["x": "2"]]
                ]
                let error = await #expect(throws: KubeError.self) {
                    try await client.patch(Pod.self, "p1", .merge(stale))
                }
                guard case .conflict = error else {
                    Issue.record("expected conflict, got \(String(describing: error))")
                    return
                }
            }
        }

        @Test("a patch sent as plain application/json is 415 UnsupportedMediaType", arguments: Backend.allCases)
        func plainJSONPatchIsRefused(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                _ = try await client.create(Self.pod("p1", labels: [:]))
                let error = await #expect(throws: KubeError.self) {
                    try await client.patch(
                        Pod.self, "p1",
                        .raw(contentType: "application/json", body: #"{"metadata":{"labels":{"a":"b"}}}"#))
                }
                guard case .unsupportedMediaType(let status) = error else {
                    Issue.record("expected unsupportedMediaType, got \(String(describing: error))")
                    return
                }
                #expect(status.code == 415)
            }
        }

        @Test("a strategic merge patch merges containers by name", arguments: Backend.allCases)
        func strategicMergeByName(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                _ = try await client.create(Self.pod("p1", labels: [:]))
                let patched = try await client.patch(
                    Pod.self, "p1", .strategicMerge(["spec": ["containers": [["name": "db", "image": "postgres:16"]]]]))
                let containers = patched.spec?.containers ?? []
                #expect(containers.map(\.name) == ["db", "sidecar"])
                #expect(containers.first?.image == "postgres:16")
                #expect(containers.first?.ports?.first?.containerPort == 5432)
            }
        }

        @Test("a JSON patch applies operations; a failing test op is 422", arguments: Backend.allCases)
        func jsonPatch(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c"), data: ["a": "1"]))
                let patched = try await client.patch(
                    ConfigMap.self, "c",
                    .json([
                        ["op": "test", "path": "/data/a", "value": "1"],
                        ["op": "replace", "path": "/data/a", "value": "2"],
                        ["op": "add", "path": "/data/b", "value": "3"],
                    ]))
                #expect(patched.data == ["a": "2", "b": "3"])
                let error = await #expect(throws: KubeError.self) {
                    try await client.patch(
                        ConfigMap.self, "c", .json([["op": "test", "path": "/data/a", "value": "9"]]))
                }
                #expect(error?.code == 422)
            }
        }

        @Test("status is written only through the status subresource", arguments: Backend.allCases)
        func statusSubresource(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                _ = try await client.create(Self.pod("p1", labels: [:]))
                let ignored = try await client.patch(Pod.self, "p1", .merge(["status": ["phase": "Running"]]))
                #expect(ignored.status?.phase == "Pending")
                var pod = try await client.get(Pod.self, "p1")
                var status = pod.status?.value ?? PodStatus()
                status.phase = "Running"
                status.conditions = [PodCondition(type: "Ready", status: "True")]
                pod.status = Preserved(status)
                let updated = try await client.updateStatus(pod)
                #expect(updated.status?.phase == "Running")
                #expect(updated.status?.value.condition("Ready")?.status == "True")
            }
        }
    }
}
