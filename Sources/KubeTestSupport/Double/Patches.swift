import Foundation
import Kube

/// The three patch kinds of the API (§4.8) on JSON trees.
enum Patches {
    /// RFC 7386 merge patch: objects merge recursively, null deletes, anything else replaces.
    static func merge(_ target: JSONValue?, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target?.objectValue ?? [:]
        for (key, value) in patchObject {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = merge(result[key], value)
            }
        }
        return .object(result)
    }

    /// The merge keys of the lists pg-swarm patches strategically (Kubernetes' `patchMergeKey`
    /// tags for these fields); other lists are replaced as in a merge patch.
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
        "env": "name", "volumeMounts": "mountPath", "imagePullSecrets": "name", "conditions": "type",
        "ownerReferences": "uid", "tolerations": "key", "hostAliases": "ip", "topologySpreadConstraints": "topologyKey",
        "volumeClaimTemplates": "name", "subsets": "", "addresses": "ip",
    ]

    /// Strategic merge patch: a merge patch whose lists of known fields merge item by item on
    /// their key, honouring `$patch: delete` / `$patch: replace` items and ignoring the
    /// `$setElementOrder` and `$retainKeys` directives. Port lists merge on `containerPort`
    /// (container ports) or `port` (service ports).
    static func strategicMerge(_ target: JSONValue?, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        if patchObject["$patch"]?.stringValue == "replace" {
            return .object(patchObject.filter { $0.key != "$patch" })
        }
        var result = target?.objectValue ?? [:]
        for (key, value) in patchObject {
            if key.hasPrefix("$setElementOrder/") || key == "$retainKeys" || key == "$patch" { continue }
            if value == .null {
                result[key] = nil
            } else if case .array(let items) = value, let mergeKey = listMergeKey(field: key, items: items) {
                result[key] = .array(mergeList(result[key]?.arrayValue ?? [], items, on: mergeKey))
            } else if case .object = value {
                result[key] = strategicMerge(result[key], value)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }

    private static func listMergeKey(field: String, items: [JSONValue]) -> String? {
        if field == "ports" {
            return items.first?["containerPort"] != nil ? "containerPort" : "port"
        }
        guard let key = mergeKeys[field], !key.isEmpty else { return nil }
        return key
    }

    private static func mergeList(_ current: [JSONValue], _ patch: [JSONValue], on key: String) -> [JSONValue] {
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return patch.filter { $0["$patch"] == nil }
        }
        var result = current
        for item in patch {
            guard let identity = item[key] else {
                result.append(item)
                continue
            }
            let index = result.firstIndex { $0[key] == identity }
            if item["$patch"]?.stringValue == "delete" {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index] = strategicMerge(result[index], item)
            } else {
                result.append(strategicMerge(nil, item))
            }
        }
        return result
    }

    enum JSONPatchFailure: Error {
        case invalid(String)
        case testFailed(String)
    }

    /// RFC 6902 operations: add, remove, replace, move, copy, test.
    static func apply(jsonPatch operations: [JSONValue], to document: JSONValue) throws(JSONPatchFailure) -> JSONValue {
        var document = document
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw .invalid("operation needs op and path")
            }
            let pointer = try parsePointer(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw .invalid("add needs a value") }
                document = try set(document, pointer[...], value, insert: true)
            case "replace":
                guard let value = operation["value"] else { throw .invalid("replace needs a value") }
                _ = try get(document, pointer[...])
                document = try set(document, pointer[...], value, insert: false)
            case "remove":
                document = try remove(document, pointer[...])
            case "test":
                let actual = try get(document, pointer[...])
                guard actual == operation["value"] else { throw .testFailed("testing value \(path) failed") }
            case "move", "copy":
                guard let fromText = operation["from"]?.stringValue else { throw .invalid("\(op) needs from") }
                let from = try parsePointer(fromText)
                let value = try get(document, from[...])
                if op == "move" { document = try remove(document, from[...]) }
                document = try set(document, pointer[...], value, insert: true)
            default:
                throw .invalid("unknown operation \(op)")
            }
        }
        return document
    }

    private static func parsePointer(_ path: String) throws(JSONPatchFailure) -> [String] {
        guard path.hasPrefix("/") else { throw .invalid("path \(path) must start with /") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ value: JSONValue, _ pointer: ArraySlice<String>) throws(JSONPatchFailure) -> JSONValue {
        guard let first = pointer.first else { return value }
        switch value {
        case .object(let object):
            guard let child = object[first] else { throw .invalid("missing path element \(first)") }
            return try get(child, pointer.dropFirst())
        case .array(let array):
            guard let index = Int(first), array.indices.contains(index) else { throw .invalid("bad index \(first)") }
            return try get(array[index], pointer.dropFirst())
        default:
            throw .invalid("cannot descend into a scalar at \(first)")
        }
    }

    private static func set(
        _ value: JSONValue, _ pointer: ArraySlice<String>, _ newValue: JSONValue, insert: Bool
    ) throws(JSONPatchFailure) -> JSONValue {
        guard let first = pointer.first else { return newValue }
        let last = pointer.count == 1
        switch value {
        case .object(var object):
            if last {
                object[first] = newValue
            } else {
                guard let child = object[first] else { throw .invalid("missing path element \(first)") }
                object[first] = try set(child, pointer.dropFirst(), newValue, insert: insert)
            }
            return .object(object)
        case .array(var array):
            if last, first == "-", insert {
                array.append(newValue)
            } else {
                guard let index = Int(first), index >= 0, index <= array.count, insert || index < array.count else {
                    throw .invalid("bad index \(first)")
                }
                if last {
                    if insert { array.insert(newValue, at: index) } else { array[index] = newValue }
                } else {
                    guard index < array.count else { throw .invalid("bad index \(first)") }
                    array[index] = try set(array[index], pointer.dropFirst(), newValue, insert: insert)
                }
            }
            return .array(array)
        default:
            throw .invalid("cannot descend into a scalar at \(first)")
        }
    }

    private static func remove(_ value: JSONValue, _ pointer: ArraySlice<String>) throws(JSONPatchFailure) -> JSONValue
    {
        guard let first = pointer.first else { throw .invalid("cannot remove the document") }
        switch value {
        case .object(var object):
            guard let child = object[first] else { throw .invalid("missing path element \(first)") }
            object[first] = pointer.count == 1 ? nil : try remove(child, pointer.dropFirst())
            return .object(object)
        case .array(var array):
            guard let index = Int(first), array.indices.contains(index) else { throw .invalid("bad index \(first)") }
            if pointer.count == 1 {
                array.remove(at: index)
            } else {
                array[index] = try remove(array[index], pointer.dropFirst())
            }
            return .array(array)
        default:
            throw .invalid("cannot descend into a scalar at \(first)")
        }
    }
}
