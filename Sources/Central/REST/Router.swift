import TextBasics

public import HTTP1

/// A route handler.
public typealias RouteHandler = @Sendable (RESTRequest) async throws -> HTTPResponse

/// One API operation: method, path template with `{name}` parameters, handler and its
/// OpenAPI description (the document is generated from this table, so it cannot drift).
public struct Route: Sendable {
    public let method: String
    public let template: String
    public let doc: OperationDoc
    public let handler: RouteHandler
    let segments: [Segment]

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public init(method: String, template: String, doc: OperationDoc, handler: @escaping RouteHandler) {
        self.method = method
        self.template = template
        self.doc = doc
        self.handler = handler
        segments = template.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }
}

/// Matches a request path against the route table.
public struct Router: Sendable {
    public private(set) var routes: [Route] = []

    public init() {}

    public mutating func add(_ route: Route) { routes.append(route) }

    public enum Match {
        case found(Route, [String: String])
        case methodNotAllowed([String])
        case notFound
    }

    /// `path` is still percent-encoded; segments are decoded after splitting, so an encoded
    /// slash stays inside its segment. Undecodable segments never match.
    public func match(method: String, path: Substring) -> Match {
        // Control characters (NUL above all) can name nothing and PostgreSQL refuses them in text.
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { raw -> String? in
            guard let decoded = PercentDecoding.decode(raw),
                !decoded.unicodeScalars.contains(where: { $0.value < 0x20 })
            else { return nil }
            return decoded
        }
        var allowed: [String] = []
        for route in routes where route.segments.count == parts.count {
            var parameters: [String: String] = [:]
            var matched = true
            for (segment, part) in zip(route.segments, parts) {
                guard let part else {
                    matched = false
                    break
                }
                switch segment {
                case .literal(let literal):
                    if literal != part { matched = false }
                case .parameter(let name):
                    parameters[name] = part
                }
                if !matched { break }
            }
            guard matched else { continue }
            if route.method == method { return .found(route, parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }
}
