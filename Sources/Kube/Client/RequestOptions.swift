import FoundationEssentials

/// Options of a list call.
public struct ListOptions: Sendable, Equatable {
    /// Query-string form; see `LabelSelector` to build or check one. Sent as given, so a
    /// malformed selector reaches the server (which answers 400).
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size; the answer carries `metadata.continue` when more remain.
    public var limit: Int?
    public var continueToken: String?
    /// "0" accepts any cached state; unset asks for the most recent (a quorum read).
    public var resourceVersion: String?
    /// "Exact" or "NotOlderThan", with `resourceVersion`.
    public var resourceVersionMatch: String?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    public init(labelSelector: LabelSelector?, fieldSelector: FieldSelector? = nil, limit: Int? = nil) {
        self.init(labelSelector: labelSelector?.description, fieldSelector: fieldSelector?.description, limit: limit)
    }

    var query: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(("resourceVersionMatch", resourceVersionMatch)) }
        return items
    }
}

/// Options of a watch.
public struct WatchOptions: Sendable, Equatable {
    /// Start after this version (from a list or an earlier event); nil sends the current
    /// objects as ADDED first.
    public var resourceVersion: String?
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Ask for BOOKMARK events (progress markers carrying only a resourceVersion).
    public var allowBookmarks: Bool
    /// The server ends the stream after this long; nil uses the client's `watchTimeout`.
    public var timeout: Duration?

    public init(
        resourceVersion: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        allowBookmarks: Bool = true, timeout: Duration? = nil
    ) {
        self.resourceVersion = resourceVersion
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.allowBookmarks = allowBookmarks
        self.timeout = timeout
    }
}

/// DELETE options: preconditions make a delete conditional (409 Conflict on mismatch).
public struct DeleteOptions: Codable, Sendable, Equatable {
    public struct Preconditions: Codable, Sendable, Equatable {
        public var uid: String?
        public var resourceVersion: String?

        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    /// How dependents are handled: Orphan, Background or Foreground.
    public enum PropagationPolicy: String, Codable, Sendable, Equatable {
        case orphan = "Orphan"
        case background = "Background"
        case foreground = "Foreground"
    }

    public var kind = "DeleteOptions"
    public var apiVersion = "v1"
    public var preconditions: Preconditions?
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int?

    public init(
        preconditions: Preconditions? = nil, propagationPolicy: PropagationPolicy? = nil,
        gracePeriodSeconds: Int? = nil
    ) {
        self.preconditions = preconditions
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// A PATCH body; its kind selects the Content-Type and thereby the server's semantics.
public enum Patch: Sendable, Equatable {
    /// RFC 7386: objects merge, `null` deletes a key, lists are replaced whole.
    case merge(JSONValue)
    /// Like merge, but lists of known kinds merge by key (containers by name, ...).
    case strategicMerge(JSONValue)
    /// RFC 6902 operations (`[{"op": "replace", "path": "/spec/replicas", "value": 3}]`).
    case json([JSONValue])
    /// Any other body and content type (e.g. to see a server refuse plain JSON with 415).
    case raw(contentType: String, body: String)

    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        case .json: "application/json-patch+json"
        case .raw(let contentType, _): contentType
        }
    }

    func body() throws -> Data {
        switch self {
        case .merge(let value), .strategicMerge(let value): try JSONCoding.encode(value)
        case .json(let operations): try JSONCoding.encode(operations)
        case .raw(_, let body): Data(body.utf8)
        }
    }
}

/// The answer to a DELETE. Most kinds answer a success Status; some (pods) answer the object
/// as deleted, carrying `deletionTimestamp`, which may still exist while finalizers or graceful
/// termination run.
public enum DeleteResult<Object: KubeObject>: Sendable {
    case status(Status)
    case object(Object)
}
