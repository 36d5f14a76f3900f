import Foundation

/// Builds the OpenAPI 3.0 document from the route table, so the document lists exactly the
/// operations the server has, with the statuses each can answer.
public enum OpenAPIDocument {
    public static func build(routes: [Route], version: String) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            paths[route.template, default: [:]][route.method.lowercased()] = operation(route)
        }
        var components = OpenAPISchemas.all
        components["Error"] = OpenAPISchemas.all["Error"]
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "pg-swarm central API", "version": .string(version),
                "description":
                    "Manages PostgreSQL HA clusters across edge Kubernetes clusters. Every operation needs Authorization: Bearer <token>.",
            ],
            "servers": [["url": "/"]],
            "security": [["bearerAuth": []]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer"]],
                "schemas": .object(components),
            ],
        ]
    }

    static func operation(_ route: Route) -> JSONValue {
        let doc = route.doc
        var operation: [String: JSONValue] = [
            "summary": .string(doc.summary), "tags": [.string(doc.tag)],
            "operationId": .string(operationID(route)),
        ]
        var parameters: [JSONValue] = route.segments.compactMap { segment in
            guard case .parameter(let name) = segment else { return nil }
            let schema: JSONValue
            switch name {
            case "name": schema = ["type": "string", "maxLength": 63]
            case "version": schema = ["type": "integer", "minimum": 1]
            default: schema = Schema.uuid
            }
            return ["name": .string(name), "in": "path", "required": true, "schema": schema]
        }
        parameters += doc.query.map {
            [
                "name": .string($0.name), "in": "query", "required": false, "description": .string($0.description),
                "schema": $0.schema,
            ]
        }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body = doc.requestBody {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        var responses: [String: JSONValue] = [:]
        if let schema = doc.successSchema {
            responses[String(doc.successStatus)] = [
                "description": "Success", "content": [.init(stringLiteral: doc.successMediaType): ["schema": schema]],
            ]
        } else {
            responses[String(doc.successStatus)] = ["description": "Success"]
        }
        var errors: Set<Int> = [401, 500, 503]
        errors.formUnion(doc.errors)
        if route.template.contains("{") { errors.insert(404) }
        if !doc.query.isEmpty { errors.insert(400) }
        // Bodies name other resources (satellite_id, profile_id...), which may not exist.
        if doc.requestBody != nil { errors.formUnion([400, 404, 413, 415, 422]) }
        // Validation problems of path or query values.
        if route.method != "GET" { errors.insert(422) }
        for status in errors.sorted() {
            responses[String(status)] = [
                "description": .string(HTTPStatusText.phrase(status)),
                "content": ["application/json": ["schema": Schema.ref("Error")]],
            ]
        }
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    static func operationID(_ route: Route) -> String {
        let words = route.template.replacingOccurrences(of: "/api/v1/", with: "").split(whereSeparator: {
            "/-{}_".contains($0)
        })
        return route.method.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

enum HTTPStatusText {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: return "Malformed request (JSON, types or query parameters)"
        case 401: return "Missing or invalid bearer token"
        case 404: return "Not found"
        case 409: return "Conflict with the current state"
        case 413: return "Request body too large"
        case 415: return "Request body is not application/json"
        case 422: return "Validation failed"
        case 500: return "Internal error (the request id identifies it in the log)"
        case 503: return "Dependency unavailable (database, encryption key)"
        default: return "Error"
        }
    }
}
