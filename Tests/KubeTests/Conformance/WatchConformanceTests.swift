import Foundation
import Kube
import Testing

extension KubeServerTests {
    @Suite("Conformance: watches")
    struct WatchConformance {
        enum Seen: Equatable, CustomStringConvertible {
            case added(String), modified(String), deleted(String)
            var description: String {
                switch self {
                case .added(let name): "ADDED \(name)"
                case .modified(let name): "MODIFIED \(name)"
                case .deleted(let name): "DELETED \(name)"
                }
            }
        }

        static func seen(_ event: WatchEvent<ConfigMap>) -> Seen? {
            switch event {
            case .added(let object): .added(object.metadata.name ?? "")
            case .modified(let object): .modified(object.metadata.name ?? "")
            case .deleted(let object): .deleted(object.metadata.name ?? "")
            case .bookmark, .error: nil
            }
        }

        static func seen(_ change: WatchChange<ConfigMap>) -> Seen? {
            switch change {
            case .added(let object): .added(object.metadata.name ?? "")
            case .modified(let object): .modified(object.metadata.name ?? "")
            case .deleted(let object): .deleted(object.metadata.name ?? "")
            case .synced, .resumed: nil
            }
        }

        @Test(
            "a watch delivers ADDED, MODIFIED, DELETED in order and resumes from a resourceVersion",
            arguments: Backend.allCases)
        func orderAndResume(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let start = try await client.list(ConfigMap.self).metadata.resourceVersion
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "w"), data: ["v": "1"]))
                _ = try await client.patch(ConfigMap.self, "w", .merge(["data": ["v": "2"]]))
                _ = try await client.delete(ConfigMap.self, "w")

                let stream = try await client.watch(
                    ConfigMap.self, options: WatchOptions(resourceVersion: start, timeout: .seconds(10)))
                let events = try await collect(3, from: stream.compactMapToStream(Self.seen))
                #expect(events == [.added("w"), .modified("w"), .deleted("w")])

                let replay = try await client.watch(
                    ConfigMap.self, options: WatchOptions(resourceVersion: start, timeout: .seconds(10)))
                let modified = try await collect(2, from: replay).compactMap { event -> String? in
                    if case .modified(let object) = event { return object.metadata.resourceVersion }
                    return nil
                }
                let resumePoint = try #require(modified.first)
                let resumed = try await client.watch(
                    ConfigMap.self, options: WatchOptions(resourceVersion: resumePoint, timeout: .seconds(10)))
                #expect(try await collect(1, from: resumed.compactMapToStream(Self.seen)) == [.deleted("w")])
            }
        }

        @Test(
            "a watch of one object by metadata.name sees only it, and selector changes as ADDED/DELETED",
            arguments: Backend.allCases)
        func selectorTransitions(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                let start = try await client.list(ConfigMap.self).metadata.resourceVersion
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "other", labels: ["role": "primary"])))
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "w", labels: ["role": "replica"])))
                _ = try await client.patch(ConfigMap.self, "w", .merge(["metadata": ["labels": ["role": "primary"]]]))
                _ = try await client.patch(ConfigMap.self, "w", .merge(["metadata": ["labels": ["role": "replica"]]]))
                let stream = try await client.watch(
                    ConfigMap.self,
                    options: WatchOptions(
                        resourceVersion: start, labelSelector: "role=primary", fieldSelector: "metadata.name=w",
                        timeout: .seconds(10)))
                let events = try await collect(2, from: stream.compactMapToStream(Self.seen))
                #expect(events == [.added("w"), .deleted("w")])
            }
        }

        @Test(
            "a watch from a compacted resourceVersion ends in a relist that loses no change",
            arguments: Backend.allCases)
        func tooOldVersionRelists(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let (client, compact) = try await context.compactingServer()
                let gone = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c-gone"), data: ["v": "1"]))
                let kept = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c-kept"), data: ["v": "1"]))
                let resumeFrom = try #require(kept.metadata.resourceVersion)
                _ = try await client.patch(ConfigMap.self, "c-kept", .merge(["data": ["v": "2"]]))
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c-new"), data: ["v": "1"]))
                _ = try await client.delete(ConfigMap.self, "c-gone")
                let last = try await client.list(ConfigMap.self).metadata.resourceVersion!
                try await compact(last)

                let changes = client.changes(ConfigMap.self, resumeFrom: resumeFrom, knownObjects: [gone, kept])
                let first = try await collect(10, from: changes) { change in
                    if case .resumed = change { return true }
                    return false
                }
                #expect(first.compactMap(Self.seen) == [.deleted("c-gone"), .modified("c-kept"), .added("c-new")])
                #expect(first.contains { if case .synced = $0 { true } else { false } })
                #expect(first.contains { if case .resumed(after: .expired) = $0 { true } else { false } })

                _ = try await client.patch(ConfigMap.self, "c-new", .merge(["data": ["v": "2"]]))
                let live = try await collect(1, from: changes.compactMapToStream(Self.seen))
                #expect(live == [.modified("c-new")])
            }
        }

        @Test(
            "a watch ends cleanly at its timeoutSeconds and replays nothing from before its resourceVersion",
            arguments: Backend.allCases)
        func endsAtTimeout(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let client = try context.client()
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "before")))
                let start = try await client.list(ConfigMap.self).metadata.resourceVersion
                let stream = try await client.watch(
                    ConfigMap.self,
                    options: WatchOptions(resourceVersion: start, allowBookmarks: true, timeout: .seconds(2)))
                let changes = try await withTimeout(.seconds(30), "watch end") {
                    var count = 0
                    for try await event in stream where Self.seen(event) != nil { count += 1 }
                    return count
                }
                #expect(changes == 0)
            }
        }
    }
}

extension AsyncThrowingStream where Failure == any Error {
    /// The elements `transform` keeps, as a new stream (iteration ends when this one does).
    func compactMapToStream<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T?) -> AsyncThrowingStream<
        T, any Error
    >
    where Element: Sendable {
        let base = self
        return AsyncThrowingStream<T, any Error> { continuation in
            let task = Task {
                do {
                    for try await element in base {
                        if let mapped = transform(element) { continuation.yield(mapped) }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
