import Foundation
import Kube
import Synchronization

/// Turns HTTP requests into store calls, with authentication and fault injection first.
final class DoubleHandler: Sendable {
    let store: APIStore
    let catalog: ResourceCatalog
    let faults: FaultInjector
    let options: KubeAPIDouble.Options
    /// Open watch streams, so tests can drop them.
    private let openWatches = Mutex<[Int: (client: String?, abort: @Sendable () -> Void)]>([:])

    init(store: APIStore, catalog: ResourceCatalog, faults: FaultInjector, options: KubeAPIDouble.Options) {
        self.store = store
        self.catalog = catalog
        self.faults = faults
        self.options = options
    }

    func dropWatches(client: String?) {
        let victims = openWatches.withLock { watches in
            watches.filter { client == nil || $0.value.client == client }.map(\.value.abort)
        }
        for abort in victims { abort() }
    }

    func handle(_ request: HTTPRequest) async -> HTTPServerReply {
        let token = request.bearerToken
        let isWatch = request.method == "GET" && ["true", "1"].contains(request.queryValue("watch") ?? "")
        await store.record(
            RecordedRequest(
                method: request.method, path: request.path, client: token.map { options.tokens?[$0] ?? $0 },
                isWatch: isWatch))
        var dropResponse = false
        for effect in faults.effects(method: request.method, path: request.path, client: token, isWatch: isWatch) {
            switch effect {
            case .delay(let duration):
                try? await Task.sleep(for: duration)
            case .respond(let code, let reason, let message, let retryAfter):
                return reply(APIFailure(code: code, reason: reason, message: message, retryAfterSeconds: retryAfter))
            case .hang:
                return .hang
            case .closeConnection:
                return .closeConnection
            case .dropResponse:
                dropResponse = true
            }
        }
        if let accepted = options.tokens, token.map({ accepted[$0] == nil }) ?? true {
            return reply(APIFailure(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        }
        let answer = await route(request, isWatch: isWatch, client: token)
        return dropResponse ? .closeConnection : answer
    }

    private func route(_ request: HTTPRequest, isWatch: Bool, client: String?) async -> HTTPServerReply {
        switch Route(path: request.path, catalog: catalog) {
        case .version:
            return reply([
                "major": "1", "minor": "20", "gitVersion": "v1.20.2-pgswarm-double", "platform": "linux/amd64",
            ])
        case .coreVersions:
            return reply(["kind": "APIVersions", "versions": ["v1"]])
        case .groups:
            return reply(groupList())
        case .resourceList(let group, let version):
            return reply(resourceList(group: group, version: version))
        case .notFound:
            return reply(APIFailure.resourceNotFound)
        case .resource(let target):
            do {
                return try await serve(request, target, isWatch: isWatch, client: client)
            } catch {
                return reply(error)
            }
        }
    }

    private func serve(
        _ request: HTTPRequest, _ target: Route.ResourceRoute, isWatch: Bool, client: String?
    ) async throws(APIFailure) -> HTTPServerReply {
        let resource = target.definition
        let version = target.version
        switch (request.method, target.name) {
        case ("GET", nil):
            let selection = try Selection(namespace: target.namespace, query: request, resource: resource)
            if isWatch {
                let start = try await store.startWatch(
                    resource, version: version, selection: selection, from: request.queryValue("resourceVersion"))
                return watchStream(start, request: request, client: client)
            }
            return reply(
                .object(try await store.list(resource, version: version, selection: selection, request: request)))
        case ("GET", .some(let name)):
            guard target.subresource == nil || target.subresource == "status" else { throw APIFailure.resourceNotFound }
            return reply(
                .object(try await store.get(resource, version: version, namespace: target.namespace, name: name)))
        case ("POST", nil):
            guard target.namespace != nil || !resource.namespaced else { throw APIFailure.methodNotAllowed("POST") }
            let dryRun = request.queryValue("dryRun") == "All"
            let created = try await store.create(
                resource, version: version, namespace: target.namespace, body: request.body, dryRun: dryRun)
            return reply(.object(created), code: 201)
        case ("PUT", .some(let name)):
            return reply(
                .object(
                    try await store.update(
                        resource, version: version, namespace: target.namespace, name: name,
                        subresource: target.subresource, body: request.body)))
        case ("PATCH", .some(let name)):
            return reply(
                .object(
                    try await store.patch(
                        resource, version: version, namespace: target.namespace, name: name,
                        subresource: target.subresource, contentType: request.header("Content-Type") ?? "",
                        body: request.body)))
        case ("DELETE", .some(let name)):
            return reply(
                try await store.delete(
                    resource, version: version, namespace: target.namespace, name: name, body: request.body))
        case ("DELETE", nil):
            let selection = try Selection(namespace: target.namespace, query: request, resource: resource)
            return reply(try await store.deleteCollection(resource, version: version, selection: selection))
        default:
            throw APIFailure.methodNotAllowed(request.method)
        }
    }

    /// A chunked watch answer: the initial events, then live ones, each on its own line. The
    /// stream ends after `timeoutSeconds` (with a bookmark if asked); a partitioned client
    /// receives nothing until healed.
    private func watchStream(_ start: WatchStart, request: HTTPRequest, client: String?) -> HTTPServerReply {
        let store = self.store
        let faults = self.faults
        let timeout =
            request.queryValue("timeoutSeconds").flatMap { Int($0) }.map { Duration.seconds($0) }
            ?? options.defaultWatchTimeout
        let bookmarks = request.queryValue("allowWatchBookmarks") == "true"
        let interval = options.bookmarkInterval
        return .stream(status: 200, contentType: "application/json") { [self] writer in
            openWatches.withLock { $0[start.id] = (client, writer.abort) }
            let timer = Task {
                try await Task.sleep(for: timeout)
                await store.endWatch(start.id, bookmark: bookmarks)
            }
            let ticker = Task {
                guard bookmarks, let interval else { return }
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    await store.bookmark(start.id)
                }
            }
            defer {
                timer.cancel()
                ticker.cancel()
                openWatches.withLock { _ = $0.removeValue(forKey: start.id) }
                Task { await store.removeWatcher(start.id) }
            }
            for event in start.initial {
                try await Self.send(event, writer, client: client, faults: faults)
            }
            for await event in start.live {
                try await Self.send(event, writer, client: client, faults: faults)
            }
        }
    }

    private static func send(_ event: JSONValue, _ writer: HTTPChunkWriter, client: String?, faults: FaultInjector)
        async throws
    {
        while faults.isPartitioned(client) { try await Task.sleep(for: .milliseconds(20)) }
        try await writer.send(Array(try JSONCoding.encode(event)) + [0x0A])
    }

    private func groupList() -> JSONValue {
        let groups = catalog.groups.keys.sorted().map { name -> JSONValue in
            let versions = (catalog.groups[name] ?? []).map { version -> JSONValue in
                ["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]
            }
            return ["name": .string(name), "versions": .array(versions), "preferredVersion": versions.first ?? .null]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    private func resourceList(group: String, version: String) -> JSONValue {
        let resources = catalog.resources(group: group, version: version).map { definition -> JSONValue in
            [
                "name": .string(definition.plural), "kind": .string(definition.kind),
                "namespaced": .bool(definition.namespaced),
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            ]
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ]
    }

    private func reply(_ value: JSONValue, code: Int = 200) -> HTTPServerReply {
        .full(status: code, contentType: "application/json", body: Array((try? JSONCoding.encode(value)) ?? Data()))
    }

    private func reply(_ failure: APIFailure) -> HTTPServerReply {
        let body = Array((try? JSONCoding.encode(failure.status)) ?? Data())
        let headers = failure.retryAfterSeconds.map { [("Retry-After", String($0))] } ?? []
        return .full(status: failure.code, contentType: "application/json", body: body, headers: headers)
    }
}
