/// What a resilient watch (`KubeClient.changes`) reports.
public enum WatchChange<Object: KubeObject>: Sendable {
    case added(Object)
    case modified(Object)
    /// The object's last known state.
    case deleted(Object)
    /// Every object the server had at `resourceVersion` has now been reported: after the first
    /// list and after every relist.
    case synced(resourceVersion: String)
    /// The watch was re-opened after an interruption; no change was lost.
    case resumed(after: WatchInterruption)
}

/// Why a watch had to be re-opened.
public enum WatchInterruption: Sendable, Equatable {
    /// The server ended the stream (its timeout); resumed from the last resourceVersion.
    case closedByServer
    /// The resourceVersion was too old (410): listed again and reported the difference.
    case expired
    /// The stream failed or went silent past its deadline; resumed after a pause.
    case failed(KubeError)
}

/// The sans-I/O core of a resilient watch: the objects seen so far and the resourceVersion to
/// resume from. A list replaces the contents and yields the difference as changes, so that a
/// relist after 410 loses nothing: whatever happened in the gap shows up as added, modified or
/// deleted.
struct ObjectCache<Object: KubeObject> {
    private(set) var objects: [String: Object] = [:]
    /// nil: a (re)list is needed before watching.
    private(set) var resourceVersion: String?

    init(known: [Object] = [], resourceVersion: String? = nil) {
        for object in known { objects[Self.key(object)] = object }
        self.resourceVersion = resourceVersion
    }

    static func key(_ object: Object) -> String {
        "\(object.metadata.namespace ?? "")/\(object.metadata.name ?? "")"
    }

    mutating func invalidate() {
        resourceVersion = nil
    }

    /// Replaces the contents with a full list taken at `version`; returns the changes in a
    /// stable order (deletions first, then additions and modifications by key).
    mutating func replace(with items: [Object], at version: String) -> [WatchChange<Object>] {
        var fresh: [String: Object] = [:]
        for item in items { fresh[Self.key(item)] = item }
        var changes: [WatchChange<Object>] = []
        for key in objects.keys.sorted() where fresh[key] == nil {
            if let gone = objects[key] { changes.append(.deleted(gone)) }
        }
        for key in fresh.keys.sorted() {
            guard let item = fresh[key] else { continue }
            if let old = objects[key] {
                if old.metadata.resourceVersion != item.metadata.resourceVersion { changes.append(.modified(item)) }
            } else {
                changes.append(.added(item))
            }
        }
        objects = fresh
        resourceVersion = version
        return changes
    }

    /// Applies one event; the change to report, if any.
    mutating func apply(_ event: WatchEvent<Object>) -> WatchChange<Object>? {
        switch event {
        case .added(let object), .modified(let object):
            let key = Self.key(object)
            let old = objects[key]
            objects[key] = object
            advance(to: object.metadata.resourceVersion)
            guard let old else { return .added(object) }
            return old.metadata.resourceVersion == object.metadata.resourceVersion ? nil : .modified(object)
        case .deleted(let object):
            objects[Self.key(object)] = nil
            advance(to: object.metadata.resourceVersion)
            return .deleted(object)
        case .bookmark(let version):
            advance(to: version)
            return nil
        case .error:
            return nil
        }
    }

    private mutating func advance(to version: String?) {
        if let version, !version.isEmpty { resourceVersion = version }
    }
}
