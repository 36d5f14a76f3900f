import FoundationEssentials

extension KubeClient {
    /// GET one object. Throws `.notFound` if it does not exist.
    public func get<T: KubeObject>(
        _ type: T.Type, _ name: String, namespace: String? = nil, timeout: Duration? = nil
    ) async throws -> T {
        let version = try await servedVersion(of: T.resourceType)
        let request = APIRequest(
            method: "GET",
            path: try path(
                T.resourceType, version: version, namespace: self.namespace(for: T.resourceType, namespace), name: name)
        )
        return try decode(T.self, try await http.send(request, timeout: timeout), request.summary)
    }

    /// One page of a list in `namespace` (default: the configuration's).
    public func list<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions(), timeout: Duration? = nil
    ) async throws -> ObjectList<T> {
        try await listPage(
            type, resolvedNamespace: self.namespace(for: T.resourceType, namespace), options: options, timeout: timeout)
    }

    /// One page of a list across all namespaces.
    public func listAllNamespaces<T: KubeObject>(
        _ type: T.Type, options: ListOptions = ListOptions(), timeout: Duration? = nil
    ) async throws -> ObjectList<T> {
        try await listPage(type, resolvedNamespace: nil, options: options, timeout: timeout)
    }

    /// Every page of a list (following `continue`), as one list with the first page's snapshot
    /// resourceVersion. At most `maximumPages` pages are read.
    public func listComplete<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions(), maximumPages: Int = 1000,
        timeout: Duration? = nil
    ) async throws -> ObjectList<T> {
        var options = options
        var result = try await list(type, namespace: namespace, options: options, timeout: timeout)
        var pages = 1
        while let token = result.metadata.continue, !token.isEmpty {
            guard pages < maximumPages else {
                throw KubeError.invalidResponse("list of \(T.resourceType) exceeded \(maximumPages) pages")
            }
            options.continueToken = token
            let next = try await list(type, namespace: namespace, options: options, timeout: timeout)
            result.items += next.items
            result.metadata.continue = next.metadata.continue
            result.metadata.remainingItemCount = next.metadata.remainingItemCount
            pages += 1
        }
        return result
    }

    private func listPage<T: KubeObject>(
        _ type: T.Type, resolvedNamespace namespace: String?, options: ListOptions, timeout: Duration?
    ) async throws -> ObjectList<T> {
        let version = try await servedVersion(of: T.resourceType)
        let request = APIRequest(
            method: "GET", path: try path(T.resourceType, version: version, namespace: namespace), query: options.query)
        return try decode(ObjectList<T>.self, try await http.send(request, timeout: timeout), request.summary)
    }

    /// POST: creates `object` in its namespace (or `namespace`, or the default). Set
    /// `metadata.generateName` instead of a name to have the server pick one. Throws
    /// `.alreadyExists` when the name is taken.
    public func create<T: KubeObject>(
        _ object: T, namespace: String? = nil, dryRun: Bool = false, timeout: Duration? = nil
    ) async throws -> T {
        let version = try await servedVersion(of: T.resourceType)
        let target = self.namespace(for: T.resourceType, namespace ?? object.metadata.namespace)
        var request = APIRequest(
            method: "POST", path: try path(T.resourceType, version: version, namespace: target),
            body: try encode(stamped(object, version)))
        if dryRun { request.query.append(("dryRun", "All")) }
        return try decode(T.self, try await http.send(request, timeout: timeout), request.summary)
    }

    /// PUT: replaces the object. Its `metadata.resourceVersion` makes this a compare-and-swap:
    /// `.conflict` if the object changed since it was read. (Leases and PDBs require it.)
    public func update<T: KubeObject>(_ object: T, timeout: Duration? = nil) async throws -> T {
        try await put(object, subresource: nil, timeout: timeout)
    }

    /// PUT to the `status` subresource (spec changes are ignored there).
    public func updateStatus<T: KubeObject>(_ object: T, timeout: Duration? = nil) async throws -> T {
        try await put(object, subresource: "status", timeout: timeout)
    }

    private func put<T: KubeObject>(_ object: T, subresource: String?, timeout: Duration?) async throws -> T {
        guard let name = object.metadata.name else {
            throw KubeError.invalidConfiguration("update of a \(T.resourceType.kind) without metadata.name")
        }
        let version = try await servedVersion(of: T.resourceType)
        let request = APIRequest(
            method: "PUT",
            path: try path(
                T.resourceType, version: version,
                namespace: self.namespace(for: T.resourceType, object.metadata.namespace),
                name: name, subresource: subresource),
            body: try encode(stamped(object, version)))
        return try decode(T.self, try await http.send(request, timeout: timeout), request.summary)
    }

    /// PATCH; the patch kind selects merge, strategic-merge or JSON-patch semantics. A
    /// `metadata.resourceVersion` inside a merge patch acts as a precondition.
    public func patch<T: KubeObject>(
        _ type: T.Type, _ name: String, namespace: String? = nil, _ patch: Patch, subresource: String? = nil,
        timeout: Duration? = nil
    ) async throws -> T {
        let version = try await servedVersion(of: T.resourceType)
        let body: Data
        do { body = try patch.body() } catch { throw KubeError.invalidConfiguration("cannot encode patch: \(error)") }
        let request = APIRequest(
            method: "PATCH",
            path: try path(
                T.resourceType, version: version, namespace: self.namespace(for: T.resourceType, namespace), name: name,
                subresource: subresource),
            body: body, contentType: patch.contentType)
        return try decode(T.self, try await http.send(request, timeout: timeout), request.summary)
    }

    /// DELETE, optionally conditional (`preconditions`) and with a propagation policy.
    public func delete<T: KubeObject>(
        _ type: T.Type, _ name: String, namespace: String? = nil, options: DeleteOptions = DeleteOptions(),
        timeout: Duration? = nil
    ) async throws -> DeleteResult<T> {
        let version = try await servedVersion(of: T.resourceType)
        let request = APIRequest(
            method: "DELETE",
            path: try path(
                T.resourceType, version: version, namespace: self.namespace(for: T.resourceType, namespace), name: name),
            body: try encode(options))
        let reply = try await http.send(request, timeout: timeout)
        if (try? JSONDecoder().decode(KindProbe.self, from: reply.body))?.kind == "Status" {
            return .status(try decode(Status.self, reply, request.summary))
        }
        return .object(try decode(T.self, reply, request.summary))
    }

    /// `object` with the apiVersion of the version in use and its kind, as the server requires.
    private func stamped<T: KubeObject>(_ object: T, _ version: String) -> T {
        var object = object
        object.apiVersion = T.resourceType.apiVersion(version)
        object.kind = T.resourceType.kind
        return object
    }
}

/// Just the `kind` of an answer, to tell a Status from an object.
private struct KindProbe: Decodable {
    var kind: String?
}
