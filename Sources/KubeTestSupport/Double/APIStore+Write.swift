import Foundation
import Kube

extension APIStore {
    func parseObject(_ body: [UInt8], _ resource: ResourceDefinition, _ version: String) throws(APIFailure)
        -> JSONObject
    {
        guard let tree = try? JSONCoding.decode(JSONValue.self, from: Data(body)), case .object(let object) = tree
        else {
            throw APIFailure.badRequest("the object provided is unrecognized (must be of type \(resource.kind))")
        }
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != resource.kind {
            throw APIFailure.badRequest(
                "the kind of the object (\(kind)) does not match the resource (\(resource.kind))")
        }
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            apiVersion != resource.apiVersion(version)
        {
            throw APIFailure.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version"
                    + " (\(resource.apiVersion(version)))")
        }
        return object
    }

    /// POST (§4.3).
    func create(
        _ resource: ResourceDefinition, version: String, namespace: String?, body: [UInt8], dryRun: Bool
    ) throws(APIFailure) -> JSONObject {
        var object = try parseObject(body, resource, version)
        let namespace = resource.namespaced ? (namespace ?? "") : ""
        if resource.namespaced {
            let declared = object.metadata["namespace"]?.stringValue ?? ""
            if !declared.isEmpty, declared != namespace {
                throw APIFailure.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let owner = namespaceObject(namespace) else {
                throw APIFailure(
                    code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                    details: StatusDetails(name: namespace, kind: "namespaces"))
            }
            if owner["status"]?["phase"]?.stringValue == "Terminating" {
                throw APIFailure(
                    code: 403, reason: "Forbidden",
                    message: "\(resource.plural) \"\(object.name ?? "")\" is forbidden: unable to create new content in"
                        + " namespace \(namespace) because it is being terminated",
                    details: APIFailure.details(resource, name: object.name))
            }
        }
        var name = object.name ?? ""
        if name.isEmpty {
            guard let prefix = object.metadata["generateName"]?.stringValue, !prefix.isEmpty else {
                throw APIFailure.invalid(
                    resource, "",
                    [cause("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")])
            }
            name = Self.generatedName(prefix)
        }
        var causes = Validation.name(name, resource)
        causes += Validation.object(object, resource)
        guard causes.isEmpty else { throw APIFailure.invalid(resource, name, causes) }
        let key = ObjectKey(namespace: namespace, name: name)
        if stored(resource, key) != nil { throw APIFailure.alreadyExists(resource, name) }

        var metadata = object.metadata
        metadata["name"] = .string(name)
        metadata["namespace"] = resource.namespaced ? .string(namespace) : nil
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(timestamp)
        metadata["generation"] = resource.tracksGeneration ? 1 : nil
        for serverOwned in ["deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "resourceVersion"] {
            metadata[serverOwned] = nil
        }
        object["metadata"] = .object(metadata)
        object["apiVersion"] = nil
        object["kind"] = nil
        applyDefaults(&object, resource)
        foldStringData(&object)
        if dryRun { return presented(object, resource, version) }
        object.setMetadata("resourceVersion", .string(bump()))
        commit(resource, key, type: .added, old: nil, new: object)
        return presented(object, resource, version)
    }

    /// prefix (cut to 58 characters) + 5 characters from apimachinery's alphabet (§4.3).
    static func generatedName(_ prefix: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(prefix.prefix(58)) + String((0..<5).map { _ in alphabet.randomElement()! })
    }

    /// PUT (§4.4).
    func update(
        _ resource: ResourceDefinition, version: String, namespace: String?, name: String, subresource: String?,
        body: [UInt8]
    ) throws(APIFailure) -> JSONObject {
        let candidate = try parseObject(body, resource, version)
        let key = ObjectKey(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
        if (candidate.name ?? "") != name {
            throw APIFailure.badRequest(
                "the name of the object (\(candidate.name ?? "")) does not match the name on the URL (\(name))")
        }
        let declared = candidate.metadata["namespace"]?.stringValue ?? ""
        if resource.namespaced, !declared.isEmpty, declared != key.namespace {
            throw APIFailure.badRequest(
                "the namespace of the provided object does not match the namespace sent on the request")
        }
        guard let current = stored(resource, key) else { throw APIFailure.notFound(resource, name) }
        let requested = candidate.resourceVersion ?? ""
        if requested.isEmpty {
            if !resource.allowsUnconditionalUpdate {
                throw APIFailure.invalid(
                    resource, name,
                    [
                        cause(
                            "metadata.resourceVersion", "FieldValueInvalid",
                            "Invalid value: 0x0: must be specified for an update")
                    ])
            }
        } else if requested != current.resourceVersion {
            throw APIFailure.conflict(resource, name)
        }
        if let uid = candidate.metadata["uid"]?.stringValue, !uid.isEmpty, uid != current.metadata["uid"]?.stringValue {
            throw APIFailure.preconditionFailed(
                resource, name,
                "UID in precondition: \(uid), UID in object meta: \(current.metadata["uid"]?.stringValue ?? "")")
        }
        return try replace(
            resource, version: version, key: key, current: current, candidate: candidate, subresource: subresource)
    }

    /// PATCH (§4.8).
    func patch(
        _ resource: ResourceDefinition, version: String, namespace: String?, name: String, subresource: String?,
        contentType: String, body: [UInt8]
    ) throws(APIFailure) -> JSONObject {
        let mediaType =
            contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard
            ["application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json"]
                .contains(mediaType)
        else { throw APIFailure.unsupportedPatch }
        let key = ObjectKey(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
        guard let patch = try? JSONCoding.decode(JSONValue.self, from: Data(body)) else {
            throw APIFailure.badRequest("error decoding patch: invalid JSON")
        }
        guard let current = stored(resource, key) else { throw APIFailure.notFound(resource, name) }
        let patched: JSONValue
        switch mediaType {
        case "application/json-patch+json":
            guard case .array(let operations) = patch else {
                throw APIFailure.badRequest("json patch must be an array")
            }
            do {
                patched = try Patches.apply(jsonPatch: operations, to: .object(current))
            } catch {
                throw APIFailure(
                    code: 422, reason: "Invalid",
                    message: "the server rejected our request due to an error in our request: \(error)")
            }
        default:
            guard case .object = patch else { throw APIFailure.badRequest("merge patch must be an object") }
            if let requested = patch["metadata"]?["resourceVersion"]?.stringValue, requested != current.resourceVersion
            {
                throw APIFailure.conflict(resource, name)
            }
            patched =
                mediaType == "application/merge-patch+json"
                ? Patches.merge(.object(current), patch) : Patches.strategicMerge(.object(current), patch)
        }
        guard case .object(var candidate) = patched else {
            throw APIFailure.badRequest("patch did not produce an object")
        }
        if candidate.name != name {
            throw APIFailure.badRequest(
                "the name of the object (\(candidate.name ?? "")) does not match the name on the URL (\(name))")
        }
        candidate.setMetadata("resourceVersion", current.metadata["resourceVersion"])
        return try replace(
            resource, version: version, key: key, current: current, candidate: candidate, subresource: subresource)
    }

    /// The part of update and patch after concurrency checks: server-owned fields are kept,
    /// the main resource ignores status and the status subresource ignores spec, then
    /// validation, then the write (none for a no-op).
    private func replace(
        _ resource: ResourceDefinition, version: String, key: ObjectKey, current: JSONObject, candidate: JSONObject,
        subresource: String?
    ) throws(APIFailure) -> JSONObject {
        var next: JSONObject
        if subresource == "status" {
            next = current
            next["status"] = candidate["status"]
            var metadata = next.metadata
            metadata["labels"] = candidate.metadata["labels"]
            metadata["annotations"] = candidate.metadata["annotations"]
            next["metadata"] = .object(metadata)
        } else if subresource != nil {
            throw APIFailure.resourceNotFound
        } else {
            next = candidate
            next["apiVersion"] = nil
            next["kind"] = nil
            if resource.hasStatusSubresource { next["status"] = current["status"] }
            var metadata = next.metadata
            for serverOwned in [
                "uid", "creationTimestamp", "namespace", "generation", "deletionTimestamp",
                "deletionGracePeriodSeconds",
            ] {
                metadata[serverOwned] = current.metadata[serverOwned]
            }
            next["metadata"] = .object(metadata)
            if resource.plural == "secrets" { foldStringData(&next) }
        }
        var causes = Validation.object(next, resource)
        causes += Validation.update(old: current, new: next, resource)
        guard causes.isEmpty else { throw APIFailure.invalid(resource, key.name, causes) }
        if resource.tracksGeneration, next["spec"] != current["spec"] {
            let generation = current.metadata["generation"]?.integerValue ?? 1
            next.setMetadata("generation", .integer(generation + 1))
        }
        next.setMetadata("resourceVersion", current.metadata["resourceVersion"])
        if next == current { return presented(current, resource, version) }
        next.setMetadata("resourceVersion", .string(bump()))
        let finalizers = next.metadata["finalizers"]?.arrayValue ?? []
        if next.metadata["deletionTimestamp"] != nil, finalizers.isEmpty, resource.plural != "namespaces" {
            commit(resource, key, type: .deleted, old: current, new: next)
        } else {
            commit(resource, key, type: .modified, old: current, new: next)
        }
        return presented(next, resource, version)
    }

    /// DELETE (§4.4): preconditions, finalizers, Status or object answer.
    func delete(
        _ resource: ResourceDefinition, version: String, namespace: String?, name: String, body: [UInt8]
    ) throws(APIFailure) -> JSONValue {
        let key = ObjectKey(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
        guard let current = stored(resource, key) else { throw APIFailure.notFound(resource, name) }
        var options = DeleteOptions()
        if !body.isEmpty {
            guard let decoded = try? JSONCoding.decode(DeleteOptions.self, from: Data(body)) else {
                throw APIFailure.badRequest("the body of the request could not be decoded as DeleteOptions")
            }
            options = decoded
        }
        let uid = current.metadata["uid"]?.stringValue ?? ""
        if let wanted = options.preconditions?.uid, wanted != uid {
            throw APIFailure.preconditionFailed(
                resource, name, "UID in precondition: \(wanted), UID in object meta: \(uid)")
        }
        if let wanted = options.preconditions?.resourceVersion, wanted != current.resourceVersion {
            throw APIFailure.preconditionFailed(
                resource, name,
                "ResourceVersion in precondition: \(wanted), ResourceVersion in object meta: \(current.resourceVersion ?? "")"
            )
        }
        var next = current
        let pendingFinalizers = !(current.metadata["finalizers"]?.arrayValue ?? []).isEmpty
        if resource.plural == "namespaces" || pendingFinalizers {
            // Something else must finish the deletion (finalizers; a namespace controller).
            if current.metadata["deletionTimestamp"] != nil { return .object(presented(current, resource, version)) }
            next.setMetadata("deletionTimestamp", .string(timestamp))
            next.setMetadata("deletionGracePeriodSeconds", 0)
            if resource.plural == "namespaces" { next["status"] = ["phase": "Terminating"] }
            next.setMetadata("resourceVersion", .string(bump()))
            commit(resource, key, type: .modified, old: current, new: next)
            return .object(presented(next, resource, version))
        }
        if resource.deleteReturnsObject {
            next.setMetadata("deletionTimestamp", .string(timestamp))
            next.setMetadata("deletionGracePeriodSeconds", 0)
        }
        next.setMetadata("resourceVersion", .string(bump()))
        commit(resource, key, type: .deleted, old: current, new: next)
        if resource.deleteReturnsObject { return .object(presented(next, resource, version)) }
        var status = Status(status: "Success", details: APIFailure.details(resource, name: name, uid: uid))
        status.code = nil
        return (try? JSONCoding.tree(of: status)) ?? .null
    }

    /// DELETE on a collection, with selectors.
    func deleteCollection(
        _ resource: ResourceDefinition, version: String, selection: Selection
    ) throws(APIFailure) -> JSONValue {
        let victims = (objects[resource.qualifiedName] ?? [:]).filter { selection.matches($0.value) }.keys.sorted()
        for key in victims {
            _ = try delete(resource, version: version, namespace: key.namespace, name: key.name, body: [])
        }
        var status = Status(status: "Success")
        status.code = nil
        return (try? JSONCoding.tree(of: status)) ?? .null
    }
}
