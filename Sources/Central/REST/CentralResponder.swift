import Foundation
public import HTTP1
import Logging

/// The HTTP entry point: request id, authentication, routing, error rendering, access log and
/// metrics, as one responder wrapping the route table (Hummingbird-style middleware chain).
public struct CentralResponder: HTTPResponder {
    let environment: CentralEnvironment
    let router: Router
    let probes: Probes
    let staticFiles: StaticFiles
    let authenticator: TokenAuthenticator
    /// Serve `/metrics` without a token (for scrapers inside a trusted network).
    let publicMetrics: Bool

    public init(
        environment: CentralEnvironment, router: Router, staticFiles: StaticFiles, publicMetrics: Bool = false
    ) {
        self.environment = environment
        self.router = router
        self.probes = Probes(environment: environment)
        self.staticFiles = staticFiles
        self.authenticator = TokenAuthenticator(store: environment.store)
        self.publicMetrics = publicMetrics
    }

    public func respond(to http: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let requestID = Self.requestID(from: http.headers["X-Request-ID"], random: environment.random)
        var route = "unmatched"
        var response: HTTPResponse
        do {
            (response, route) = try await dispatch(http, requestID: requestID)
        } catch let error as APIError {
            response = RESTResponse.error(error, requestID: requestID)
        } catch let error as CentralError where error == .encryptionKeyMissing {
            response = RESTResponse.error(.unavailable(error.description), requestID: requestID)
        } catch {
            // Internals stay in the log; the client gets the request id to quote.
            environment.logger.error(
                "request failed",
                metadata: ["http.request_id": "\(requestID)", "http.route": "\(route)", "error": "\(error)"])
            response = RESTResponse.error(.internalError, requestID: requestID)
        }
        response.headers["X-Request-ID"] = requestID
        response.headers["X-Content-Type-Options"] = "nosniff"
        if http.path.hasPrefix("/api/") { response.headers["Cache-Control"] = "no-store" }
        let seconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        environment.metrics.observeRequest(method: http.method, route: route, status: response.status, seconds: seconds)
        // The route template, never the raw path or query string (they can carry identifiers
        // users consider sensitive), and never headers.
        environment.logger.log(
            level: response.status >= 500 ? .error : .debug, "request",
            metadata: [
                "http.request_id": "\(requestID)", "http.method": "\(http.method)", "http.route": "\(route)",
                "http.status": "\(response.status)", "http.duration_ms": "\(Int(seconds * 1000))",
            ])
        return response
    }

    private func dispatch(_ http: HTTPRequest, requestID: String) async throws -> (HTTPResponse, String) {
        let path = http.path
        switch path {
        case "/healthz": return (probes.liveness(), "/healthz")
        case "/readyz": return (await probes.readiness(), "/readyz")
        case "/metrics":
            if !publicMetrics { _ = try await authenticator.authenticate(http.headers["Authorization"]) }
            return (try await probes.metrics(), "/metrics")
        default: break
        }
        guard path == "/api" || path.hasPrefix("/api/") else {
            return (staticFiles.serve(http), "static")
        }
        // Authenticate before routing, so unauthenticated clients cannot map the API surface.
        let token = try await authenticator.authenticate(http.headers["Authorization"])
        guard
            http.queryItems.allSatisfy({
                Syntax.isSingleLine($0.name, maximumLength: 256) && Syntax.isSingleLine($0.value, maximumLength: 1024)
            })
        else { throw APIError.badRequest("query parameters must be short single-line text") }
        switch router.match(method: http.method, path: path) {
        case .notFound:
            throw APIError(status: 404, code: "not_found", message: "no such endpoint")
        case .methodNotAllowed(let allowed):
            var response = RESTResponse.error(.methodNotAllowed(allowed), requestID: requestID)
            response.headers["Allow"] = allowed.joined(separator: ", ")
            return (response, "unmatched")
        case .found(let route, let parameters):
            let request = RESTRequest(
                http: http, requestID: requestID, routeTemplate: route.template, pathParameters: parameters,
                token: token)
            do {
                return (try await route.handler(request), route.template)
            } catch let error as APIError {
                return (RESTResponse.error(error, requestID: requestID), route.template)
            }
        }
    }

    /// The template of the route `path` matches (tests use it to measure route coverage).
    public func routeTemplate(method: String, path: String) -> String? {
        if case .found(let route, _) = router.match(method: method, path: Substring(path)) { return route.template }
        return nil
    }

    /// Every route, for the OpenAPI document and tests.
    public var routes: [Route] { router.routes }

    /// A client-supplied id if it is short and plain, else a fresh one.
    static func requestID(from header: String?, random: any SecureRandom) -> String {
        if let header, (1...64).contains(header.count),
            header.unicodeScalars.allSatisfy({ Syntax.isAlnum($0) || "-_.".unicodeScalars.contains($0) })
        {
            return header
        }
        return random.bytes(8).hexString
    }
}

/// Checks `Authorization: Bearer <token>` against the stored token hashes.
public struct TokenAuthenticator: Sendable {
    let store: MetadataStore

    public func authenticate(_ header: String?) async throws -> APIToken {
        guard let header, header.count < 512 else { throw APIError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let hash = Digest.sha256(String(parts[1]).trimmingCharacters(in: .whitespaces))
        guard let (token, storedHash) = try await store.activeAPIToken(hash: hash),
            Digest.constantTimeEquals(hash, storedHash)
        else { throw APIError.unauthorized }
        try? await store.touchAPIToken(token.id)
        return token
    }
}
