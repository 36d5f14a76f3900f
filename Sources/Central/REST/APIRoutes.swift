import HTTP1

/// The whole `/api/v1` surface.
public enum APIRoutes {
    public static func build(_ environment: CentralEnvironment) -> Router {
        var table = RouteTable()
        table.addSatelliteRoutes(environment)
        table.addClusterRoutes(environment)
        table.addProfileRoutes(environment)
        table.addDeploymentRuleRoutes(environment)
        table.addCatalogRoutes(environment)
        table.addObservationRoutes(environment)
        // The document describes every route, itself included.
        let placeholder = OperationDoc(
            summary: "This OpenAPI 3 document", tag: "Meta", successSchema: ["type": "object"])
        var routes = table.router.routes
        routes.append(
            Route(method: "GET", template: "/api/v1/openapi.json", doc: placeholder) { _ in HTTPResponse(status: 200) })
        let document = JSONCoding.encode(OpenAPIDocument.build(routes: routes, version: environment.version))
        table.add("GET", "/api/v1/openapi.json", placeholder) { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: document)
        }
        return table.router
    }
}
