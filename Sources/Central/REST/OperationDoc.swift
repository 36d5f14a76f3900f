/// What the OpenAPI document says about one operation.
public struct OperationDoc: Sendable {
    public struct QueryParameter: Sendable {
        public var name: String
        public var description: String
        public var schema: JSONValue

        public init(_ name: String, _ description: String, _ schema: JSONValue) {
            self.name = name
            self.description = description
            self.schema = schema
        }
    }

    public var summary: String
    public var tag: String
    public var requestBody: JSONValue?
    public var successStatus: Int
    /// nil: no body (204); otherwise the JSON schema of the success body.
    public var successSchema: JSONValue?
    /// Non-JSON success media type (e.g. `text/event-stream`).
    public var successMediaType: String
    public var query: [QueryParameter]
    /// Statuses beyond the standard ones derived from the route's shape.
    public var errors: [Int]

    public init(
        summary: String, tag: String, requestBody: JSONValue? = nil, successStatus: Int = 200,
        successSchema: JSONValue? = nil, successMediaType: String = "application/json", query: [QueryParameter] = [],
        errors: [Int] = []
    ) {
        self.summary = summary
        self.tag = tag
        self.requestBody = requestBody
        self.successStatus = successStatus
        self.successSchema = successSchema
        self.successMediaType = successMediaType
        self.query = query
        self.errors = errors
    }
}

/// Schema shorthands for route docs.
public enum Schema {
    public static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    public static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    public static let string: JSONValue = ["type": "string"]
    public static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    public static let boolean: JSONValue = ["type": "boolean"]
    public static func integer(minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer"]
        if let minimum { schema["minimum"] = .number(Double(minimum)) }
        if let maximum { schema["maximum"] = .number(Double(maximum)) }
        return .object(schema)
    }
    public static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }
    public static func object(_ properties: [String: JSONValue], required: [String] = [], nullable: Bool = false)
        -> JSONValue
    {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        if nullable { schema["nullable"] = true }
        return .object(schema)
    }
    public static let stringMap: JSONValue = ["type": "object", "additionalProperties": ["type": "string"]]
}

/// Registers routes with their docs.
public struct RouteTable: Sendable {
    public private(set) var router = Router()

    public init() {}

    public mutating func add(_ method: String, _ path: String, _ doc: OperationDoc, _ handler: @escaping RouteHandler) {
        router.add(Route(method: method, template: path, doc: doc, handler: handler))
    }

    public mutating func get(
        _ path: String, _ summary: String, tag: String, query: [OperationDoc.QueryParameter] = [], response: JSONValue?,
        mediaType: String = "application/json", errors: [Int] = [], _ handler: @escaping RouteHandler
    ) {
        add(
            "GET", path,
            OperationDoc(
                summary: summary, tag: tag, successSchema: response, successMediaType: mediaType, query: query,
                errors: errors), handler)
    }

    public mutating func write(
        _ method: String, _ path: String, _ summary: String, tag: String, body: JSONValue?, status: Int = 200,
        response: JSONValue?, query: [OperationDoc.QueryParameter] = [], errors: [Int] = [],
        _ handler: @escaping RouteHandler
    ) {
        add(
            method, path,
            OperationDoc(
                summary: summary, tag: tag, requestBody: body, successStatus: status, successSchema: response,
                query: query,
                errors: errors), handler)
    }
}
