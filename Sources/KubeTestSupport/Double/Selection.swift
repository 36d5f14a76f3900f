import Kube

/// A parsed list/watch filter (§4.5, §4.6): namespace, label selector, field selector.
struct Selection: Sendable {
    var namespace: String?
    var labels: LabelSelector
    var fields: FieldSelector

    /// Parses the selectors of a request; malformed or unsupported ones are 400s with the
    /// server's messages.
    init(namespace: String?, query: HTTPRequest, resource: ResourceDefinition) throws(APIFailure) {
        self.namespace = namespace
        do {
            labels = try LabelSelector(parsing: query.queryValue("labelSelector") ?? "")
        } catch {
            throw APIFailure.badRequest(error.message)
        }
        do {
            fields = try FieldSelector(parsing: query.queryValue("fieldSelector") ?? "")
        } catch {
            throw APIFailure.badRequest(error.message)
        }
        let supported = Set(["metadata.name", "metadata.namespace"] + resource.fieldSelectors)
        for requirement in fields.requirements where !supported.contains(requirement.field) {
            throw APIFailure.badRequest("field label not supported: \(requirement.field)")
        }
    }

    func matches(_ object: JSONObject) -> Bool {
        if let namespace, object.metadata["namespace"]?.stringValue ?? "" != namespace { return false }
        guard labels.matches(object.labels) else { return false }
        return fields.matches { field in
            switch field {
            case "source": object.fieldValue("source.component")
            default: object.fieldValue(field)
            }
        }
    }
}
