import Kube

/// One open watch.
struct Watcher {
    var definition: ResourceDefinition
    var version: String
    var selection: Selection
    var continuation: AsyncStream<JSONValue>.Continuation
}

/// What a new watch starts with.
struct WatchStart: Sendable {
    var id: Int
    /// Events to send before the live ones (synthetic ADDED, replay, or a 410 ERROR).
    var initial: [JSONValue]
    /// Live events; finishes when the watch is ended by the double.
    var live: AsyncStream<JSONValue>
}

extension APIStore {
    /// Live events a slow watcher may have pending before the double ends its watch (the real
    /// server also drops watchers that cannot keep up).
    static let watcherBufferLimit = 10_000

    func startWatch(
        _ resource: ResourceDefinition, version: String, selection: Selection, from resourceVersion: String?
    ) throws(APIFailure) -> WatchStart {
        nextWatcherID += 1
        let id = nextWatcherID
        var initial: [JSONValue] = []
        switch resourceVersion {
        case nil, "", "0":
            for (key, object) in (objects[resource.qualifiedName] ?? [:]).sorted(by: { $0.key < $1.key })
            where selection.matches(object) {
                _ = key
                initial.append(event(.added, object, resource, version))
            }
        case .some(let text):
            guard let start = Int(text) else { throw APIFailure.badRequest("invalid resource version: \(text)") }
            if start < compactedThrough {
                let expired = APIFailure.expired("The resourceVersion for the provided watch is too old.")
                let (stream, continuation) = AsyncStream<JSONValue>.makeStream()
                continuation.finish()
                return WatchStart(
                    id: id,
                    initial: [["type": "ERROR", "object": (try? JSONCoding.tree(of: expired.status)) ?? .null]],
                    live: stream)
            }
            for entry in log where entry.revision > start && entry.resource == resource.qualifiedName {
                if let replayed = translate(entry, selection: selection, resource: resource, version: version) {
                    initial.append(replayed)
                }
            }
        }
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream(
            bufferingPolicy: .bufferingOldest(Self.watcherBufferLimit))
        watchers[id] = Watcher(definition: resource, version: version, selection: selection, continuation: continuation)
        return WatchStart(id: id, initial: initial, live: stream)
    }

    /// Sends a BOOKMARK with the current revision (everything up to it has been delivered).
    func bookmark(_ id: Int) {
        guard let watcher = watchers[id] else { return }
        let object: JSONObject = [
            "kind": .string(watcher.definition.kind),
            "apiVersion": .string(watcher.definition.apiVersion(watcher.version)),
            "metadata": ["resourceVersion": .string(String(revision)), "creationTimestamp": .null],
        ]
        _ = watcher.continuation.yield(["type": "BOOKMARK", "object": .object(object)])
    }

    /// Ends a watch cleanly (its timeout passed), after a bookmark if asked for.
    func endWatch(_ id: Int, bookmark sendBookmark: Bool) {
        if sendBookmark { bookmark(id) }
        watchers.removeValue(forKey: id)?.continuation.finish()
    }

    func removeWatcher(_ id: Int) {
        watchers.removeValue(forKey: id)?.continuation.finish()
    }

    func openWatchCount() -> Int { watchers.count }

    func deliver(_ entry: LogEntry, to id: Int) {
        guard let watcher = watchers[id], entry.resource == watcher.definition.qualifiedName,
            let event = translate(
                entry, selection: watcher.selection, resource: watcher.definition, version: watcher.version)
        else { return }
        if case .dropped = watcher.continuation.yield(event) {
            removeWatcher(id)
        }
    }

    /// The event a watcher with `selection` sees for `entry`: an object that starts matching
    /// arrives as ADDED, one that stops matching as DELETED (§4.9).
    func translate(
        _ entry: LogEntry, selection: Selection, resource: ResourceDefinition, version: String
    ) -> JSONValue? {
        let wasSelected = entry.old.map(selection.matches) ?? false
        let isSelected = selection.matches(entry.new)
        switch entry.type {
        case .added:
            return isSelected ? event(.added, entry.new, resource, version) : nil
        case .deleted:
            return isSelected || wasSelected ? event(.deleted, entry.new, resource, version) : nil
        case .modified:
            switch (wasSelected, isSelected) {
            case (true, true): return event(.modified, entry.new, resource, version)
            case (false, true): return event(.added, entry.new, resource, version)
            case (true, false): return event(.deleted, entry.new, resource, version)
            case (false, false): return nil
            }
        }
    }

    func event(_ type: EventType, _ object: JSONObject, _ resource: ResourceDefinition, _ version: String) -> JSONValue
    {
        ["type": .string(type.rawValue), "object": .object(presented(object, resource, version))]
    }
}
