/// Where a request path points (§4.1).
enum Route {
    case version
    case coreVersions
    case groups
    case resourceList(group: String, version: String)
    case resource(ResourceRoute)
    case notFound

    struct ResourceRoute {
        var definition: ResourceDefinition
        var version: String
        /// nil: cluster-scoped, or a namespaced list/watch across all namespaces.
        var namespace: String?
        var name: String?
        var subresource: String?
    }

    init(path: String, catalog: ResourceCatalog) {
        let segments = path.split(separator: "/").map(String.init)
        guard let root = segments.first else {
            self = .notFound
            return
        }
        let group: String
        let version: String
        let rest: [String]
        switch root {
        case "version" where segments.count == 1:
            self = .version
            return
        case "api":
            guard segments.count >= 2 else {
                self = .coreVersions
                return
            }
            group = ""
            version = segments[1]
            rest = Array(segments.dropFirst(2))
        case "apis":
            guard segments.count >= 3 else {
                self = segments.count == 1 ? .groups : .notFound
                return
            }
            group = segments[1]
            version = segments[2]
            rest = Array(segments.dropFirst(3))
        default:
            self = .notFound
            return
        }
        guard catalog.serves(group: group, version: version) else {
            self = .notFound
            return
        }
        if rest.isEmpty {
            self = .resourceList(group: group, version: version)
            return
        }
        var namespace: String?
        var plural: String
        var name: String?
        var subresource: String?
        if rest[0] == "namespaces", group.isEmpty,
            rest.count <= 2 || (rest.count == 3 && ["status", "finalize"].contains(rest[2]))
        {
            plural = "namespaces"
            name = rest.count >= 2 ? rest[1] : nil
            subresource = rest.count == 3 ? rest[2] : nil
        } else if rest[0] == "namespaces", rest.count >= 3, rest.count <= 5 {
            namespace = rest[1]
            plural = rest[2]
            name = rest.count >= 4 ? rest[3] : nil
            subresource = rest.count == 5 ? rest[4] : nil
        } else if rest.count <= 3 {
            plural = rest[0]
            name = rest.count >= 2 ? rest[1] : nil
            subresource = rest.count == 3 ? rest[2] : nil
        } else {
            self = .notFound
            return
        }
        guard let definition = catalog.resource(group: group, version: version, plural: plural) else {
            self = .notFound
            return
        }
        // A namespaced path for a cluster-scoped kind, or a named namespaced object without its
        // namespace, addresses nothing.
        if namespace != nil, !definition.namespaced || plural == "namespaces" {
            self = .notFound
            return
        }
        if namespace == nil, definition.namespaced, name != nil {
            self = .notFound
            return
        }
        self = .resource(
            ResourceRoute(
                definition: definition, version: version, namespace: namespace, name: name, subresource: subresource))
    }
}
