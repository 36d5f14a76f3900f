import Foundation
import Kube
import Testing

extension KubeServerTests {
    @Suite("Conformance: label and field selectors, pagination")
    struct SelectorConformance {
        /// Pods p1 (app=x, role=primary), p2 (app=y, role=replica), p3 (no app, role=replica).
        static func seed(_ client: KubeClient) async throws {
            let labels: [(String, [String: String])] = [
                ("p1", ["app": "x", "role": "primary"]), ("p2", ["app": "y", "role": "replica"]),
                ("p3", ["role": "replica"]),
            ]
            for (name, podLabels) in labels {
                _ = try await client.create(
                    Pod(
                        metadata: ObjectMeta(name: name, labels: podLabels),
                        spec: PodSpec(containers: [Container(name: "c", image: "busybox:1.36")])))
            }
        }

        static func names(_ client: KubeClient, label: String? = nil, field: String? = nil) async throws -> [String] {
            try await client.list(Pod.self, options: ListOptions(labelSelector: label, fieldSelector: field))
                .items.compactMap(\.metadata.name).sorted()
        }

        @Test(
            "label selectors select like the server's: =, !=, in, notin, exists, !key",
            arguments: Backend.allCases)
        func labelSelectors(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                try await Self.seed(client)
                #expect(try await Self.names(client, label: "app=x,role=primary") == ["p1"])
                #expect(try await Self.names(client, label: "role in (primary),app!=y") == ["p1"])
                #expect(try await Self.names(client, label: "app notin (x)") == ["p2", "p3"])
                #expect(try await Self.names(client, label: "!app") == ["p3"])
                #expect(try await Self.names(client, label: "app") == ["p1", "p2"])
                #expect(try await Self.names(client, label: "role in (primary, replica), app==y") == ["p2"])
                #expect(try await Self.names(client) == ["p1", "p2", "p3"])
            }
        }

        @Test("a malformed label selector is a 400 BadRequest", arguments: Backend.allCases)
        func malformedSelector(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                for selector in ["app in x", "app=(", "=x", "a b"] {
                    let error = await #expect(throws: KubeError.self, "\(selector)") {
                        try await client.list(Pod.self, options: ListOptions(labelSelector: selector))
                    }
                    guard case .badRequest(let status) = error else {
                        Issue.record("\(selector): expected badRequest, got \(String(describing: error))")
                        continue
                    }
                    #expect(status.code == 400)
                }
            }
        }

        @Test(
            "field selectors: metadata.name selects one object; unknown fields are a 400", arguments: Backend.allCases)
        func fieldSelectors(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                try await Self.seed(client)
                #expect(try await Self.names(client, field: "metadata.name=p2") == ["p2"])
                #expect(try await Self.names(client, field: "metadata.name!=p2") == ["p1", "p3"])
                #expect(try await Self.names(client, field: "status.phase=Pending,metadata.name=p3") == ["p3"])
                let error = await #expect(throws: KubeError.self) {
                    try await client.list(Pod.self, options: ListOptions(fieldSelector: "spec.foo=bar"))
                }
                #expect(error?.code == 400)
                #expect(error?.status?.message == "field label not supported: spec.foo")
            }
        }

        @Test("limit and continue page through one snapshot; a garbage token is a 400", arguments: Backend.allCases)
        func pagination(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                try await Self.seed(client)
                let first = try await client.list(Pod.self, options: ListOptions(limit: 2))
                #expect(first.items.count == 2)
                #expect(first.metadata.remainingItemCount == 1)
                let token = try #require(first.metadata.continue)
                let second = try await client.list(Pod.self, options: ListOptions(limit: 2, continueToken: token))
                #expect(second.items.count == 1)
                #expect(second.metadata.continue?.isEmpty ?? true)
                let names = (first.items + second.items).compactMap(\.metadata.name).sorted()
                #expect(names == ["p1", "p2", "p3"])
                let all = try await client.listComplete(Pod.self, options: ListOptions(limit: 1))
                #expect(all.items.count == 3)
                await #expect(throws: KubeError.self) {
                    try await client.list(Pod.self, options: ListOptions(limit: 1, continueToken: "garbage"))
                }
            }
        }
    }
}
