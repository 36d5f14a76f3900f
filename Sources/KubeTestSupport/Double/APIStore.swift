import Foundation
import Kube

/// The state and semantics of the API double: objects by resource, a global resourceVersion
/// counter (like etcd's revision), an event log for watches and compaction, and the watchers.
/// All of it lives in one actor, so every request is applied atomically and watchers see
/// events in resourceVersion order.
actor APIStore {
    struct ObjectKey: Hashable, Comparable {
        var namespace: String
        var name: String

        static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
            (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
        }
    }

    enum EventType: String {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    struct LogEntry {
        var revision: Int
        var resource: String
        var namespace: String
        var type: EventType
        /// The state before (nil for ADDED).
        var old: JSONObject?
        /// The state after (the last state, with the new revision, for DELETED).
        var new: JSONObject
    }

    let catalog: ResourceCatalog
    let now: @Sendable () -> Date
    /// Watch log entries kept; older ones are compacted (a watch from before them gets 410).
    let eventLogLimit: Int

    var revision: Int
    var objects: [String: [ObjectKey: JSONObject]] = [:]
    var log: [LogEntry] = []
    /// Every revision up to this one may have been compacted away.
    var compactedThrough: Int
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    var snapshots: [Int: ListSnapshot] = [:]
    var nextSnapshotID = 0
    var nextServiceIP = 10
    /// Requests seen, newest last (bounded), for tests that count retries.
    var requestLog: [RecordedRequest] = []
    static let requestLogLimit = 10_000
    /// Continue tokens are backed by stored snapshots; the oldest are dropped past this many.
    static let snapshotLimit = 64

    init(catalog: ResourceCatalog, now: @escaping @Sendable () -> Date, eventLogLimit: Int, initialRevision: Int) {
        self.catalog = catalog
        self.now = now
        self.eventLogLimit = eventLogLimit
        self.revision = initialRevision
        self.compactedThrough = initialRevision
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            revision += 1
            let object: JSONObject = [
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": [
                    "name": .string(name), "uid": .string(UUID().uuidString.lowercased()),
                    "resourceVersion": .string(String(revision)),
                    "creationTimestamp": .string(KubeTime(now()).timestamp.rfc3339),
                ],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
            objects["namespaces", default: [:]][ObjectKey(namespace: "", name: name)] = object
        }
        compactedThrough = revision
    }

    func record(_ request: RecordedRequest) {
        requestLog.append(request)
        if requestLog.count > Self.requestLogLimit { requestLog.removeFirst(requestLog.count - Self.requestLogLimit) }
    }

    func recordedRequests() -> [RecordedRequest] { requestLog }

    func currentRevision() -> Int { revision }

    /// Forgets the event log up to `through` (default: everything): a watch or exact list from
    /// an older resourceVersion then gets 410 Expired, as after an etcd compaction.
    func compact(through: Int? = nil) {
        let limit = min(through ?? revision, revision)
        compactedThrough = max(compactedThrough, limit)
        log.removeAll { $0.revision <= compactedThrough }
    }

    // MARK: Commit

    /// Stores `object` (or removes it for DELETED), logs the event and tells the watchers.
    func commit(
        _ resource: ResourceDefinition, _ key: ObjectKey, type: EventType, old: JSONObject?, new: JSONObject
    ) {
        if type == .deleted {
            objects[resource.qualifiedName]?[key] = nil
        } else {
            objects[resource.qualifiedName, default: [:]][key] = new
        }
        let entry = LogEntry(
            revision: revision, resource: resource.qualifiedName, namespace: key.namespace, type: type, old: old,
            new: new)
        log.append(entry)
        if log.count > eventLogLimit {
            let dropped = log.count - eventLogLimit
            compactedThrough = max(compactedThrough, log[dropped - 1].revision)
            log.removeFirst(dropped)
        }
        for id in watchers.keys.sorted() { deliver(entry, to: id) }
    }

    /// The next resourceVersion.
    func bump() -> String {
        revision += 1
        return String(revision)
    }

    func stored(_ resource: ResourceDefinition, _ key: ObjectKey) -> JSONObject? {
        objects[resource.qualifiedName]?[key]
    }

    func namespaceObject(_ name: String) -> JSONObject? {
        objects["namespaces"]?[ObjectKey(namespace: "", name: name)]
    }

    var timestamp: String { KubeTime(now()).timestamp.rfc3339 }

    /// The object as served in `version` (apiVersion and kind set).
    func presented(_ object: JSONObject, _ resource: ResourceDefinition, _ version: String) -> JSONObject {
        var object = object
        object["apiVersion"] = .string(resource.apiVersion(version))
        object["kind"] = .string(resource.kind)
        return object
    }
}

/// One request, as tests see it in `KubeAPIDouble.requests`.
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// Who sent it: the client name `Options.tokens` gives the bearer token, or the token
    /// itself when no names are configured (test tokens are client identities, not secrets).
    public var client: String?
    public var isWatch: Bool
}

/// The items of a paginated list, kept so later pages come from the same snapshot.
struct ListSnapshot {
    var revision: Int
    var items: [JSONObject]
}

extension JSONObject {
    var metadata: JSONObject { self["metadata"]?.objectValue ?? [:] }
    var name: String? { metadata["name"]?.stringValue }
    var resourceVersion: String? { metadata["resourceVersion"]?.stringValue }
    var labels: [String: String] {
        var labels: [String: String] = [:]
        for (key, value) in metadata["labels"]?.objectValue ?? [:] { labels[key] = value.stringValue ?? "" }
        return labels
    }

    /// A dotted path (`spec.nodeName`) as a field-selector value: strings as they are, other
    /// scalars printed, missing as nil.
    func fieldValue(_ path: String) -> String? {
        var current: JSONValue = .object(self)
        for part in path.split(separator: ".") {
            guard let next = current[String(part)] else { return nil }
            current = next
        }
        switch current {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        default: return nil
        }
    }

    mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        var metadata = self.metadata
        metadata[key] = value
        self["metadata"] = .object(metadata)
    }
}
