import Foundation
import Kube
import KubeTestSupport
import Testing

extension KubeServerTests {
    @Suite("Idle watches")
    struct IdleWatch {
        @Test(
            "a watch left idle past the server's timeout is re-established by the client", arguments: Backend.allCases)
        func reestablished(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let changes = client.changes(ConfigMap.self, watchTimeout: .seconds(1))
                let synced = try await collect(1, from: changes)
                guard case .synced = synced.first else {
                    Issue.record("expected the initial sync, got \(synced)")
                    return
                }
                // Idle for longer than the server keeps a watch open (1 s), twice over.
                try await Task.sleep(for: .seconds(3))
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "after-idle")))
                let later = try await collect(20, from: changes) { change in
                    if case .added = change { return true }
                    return false
                }
                // Normally the server closes the idle watch; on a loaded machine the client's own silence
                // timer may fire first. Either way the watch must come back by itself.
                #expect(later.contains { if case .resumed = $0 { true } else { false } })
                guard case .added(let object) = later.last else {
                    Issue.record("the change after the idle period was not delivered: \(later)")
                    return
                }
                #expect(object.metadata.name == "after-idle")
            }
        }

        @Test("a watch the server drops is re-established and misses nothing", arguments: [Backend.double])
        func droppedWatch(backend: Backend) async throws {
            let double = try await KubeFixtures.shared.doubleServer()
            try await BackendContext.with(backend) { context in
                let client = try context.client(token: "dropped-watch-client")
                let changes = client.changes(ConfigMap.self)
                _ = try await collect(1, from: changes)
                double.dropWatches(client: "dropped-watch-client")
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "after-drop")))
                let later = try await collect(20, from: changes) { change in
                    if case .added = change { return true }
                    return false
                }
                guard case .added(let object) = later.last else {
                    Issue.record("the change after the drop was not delivered: \(later)")
                    return
                }
                #expect(object.metadata.name == "after-drop")
            }
        }
    }
}
