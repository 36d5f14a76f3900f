import Foundation
import Kube

extension APIStore {
    func get(_ resource: ResourceDefinition, version: String, namespace: String?, name: String) throws(APIFailure)
        -> JSONObject
    {
        let key = ObjectKey(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
        guard let object = stored(resource, key) else { throw APIFailure.notFound(resource, name) }
        return presented(object, resource, version)
    }

    /// A list page (§4.4, §4.7): selectors, `resourceVersionMatch=Exact` against compaction,
    /// `limit` and `continue` served from a stored snapshot.
    func list(
        _ resource: ResourceDefinition, version: String, selection: Selection, request: HTTPRequest
    ) throws(APIFailure) -> JSONObject {
        if request.queryValue("resourceVersionMatch") == "Exact", let text = request.queryValue("resourceVersion") {
            guard let wanted = Int(text) else { throw APIFailure.badRequest("invalid resource version: \(text)") }
            if wanted < compactedThrough {
                throw APIFailure.expired("too old resource version: \(wanted) (\(compactedThrough + 1))")
            }
        }
        var limit: Int?
        if let text = request.queryValue("limit") {
            guard let value = Int(text), value >= 0 else { throw APIFailure.badRequest("invalid limit: \(text)") }
            limit = value > 0 ? value : nil
        }
        let snapshotID: Int
        let offset: Int
        if let token = request.queryValue("continue"), !token.isEmpty {
            guard let decoded = Self.decodeContinue(token) else {
                throw APIFailure.badRequest(
                    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
            }
            guard snapshots[decoded.snapshot] != nil else {
                throw APIFailure.expired(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new"
                        + " list without the continue parameter.")
            }
            (snapshotID, offset) = decoded
        } else {
            let items = (objects[resource.qualifiedName] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
                .filter(selection.matches)
            nextSnapshotID += 1
            snapshotID = nextSnapshotID
            offset = 0
            snapshots[snapshotID] = ListSnapshot(revision: revision, items: items)
        }
        guard let snapshot = snapshots[snapshotID] else { throw APIFailure.resourceNotFound }
        let end = limit.map { min(snapshot.items.count, offset + $0) } ?? snapshot.items.count
        let page = offset < end ? Array(snapshot.items[offset..<end]) : []
        var metadata: JSONObject = ["resourceVersion": .string(String(snapshot.revision))]
        if end < snapshot.items.count {
            metadata["continue"] = .string(Self.encodeContinue(snapshot: snapshotID, offset: end))
            metadata["remainingItemCount"] = .integer(Int64(snapshot.items.count - end))
        } else {
            snapshots[snapshotID] = nil
        }
        if snapshots.count > Self.snapshotLimit, let oldest = snapshots.keys.min() { snapshots[oldest] = nil }
        return [
            "kind": .string(resource.kind + "List"), "apiVersion": .string(resource.apiVersion(version)),
            "metadata": .object(metadata), "items": .array(page.map { .object($0) }),
        ]
    }

    static func encodeContinue(snapshot: Int, offset: Int) -> String {
        Base64.encode(Array("{\"s\":\(snapshot),\"o\":\(offset)}".utf8))
    }

    static func decodeContinue(_ token: String) -> (snapshot: Int, offset: Int)? {
        guard let bytes = Base64.decode(token), let tree = try? JSONCoding.decode(JSONValue.self, from: Data(bytes)),
            let snapshot = tree["s"]?.integerValue, let offset = tree["o"]?.integerValue, offset >= 0
        else { return nil }
        return (Int(snapshot), Int(offset))
    }
}
