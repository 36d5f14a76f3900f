import Kube

/// The validation rules of §4.3 and §4.10 that pg-swarm's objects can hit. Each returns the
/// causes of a 422 (empty: valid).
enum Validation {
    static func name(_ name: String, _ resource: ResourceDefinition) -> [StatusCause] {
        let problem: String?
        switch resource.nameRule {
        case .subdomain:
            problem =
                DNSNames.isSubdomain(name)
                ? nil
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and"
                    + " must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation"
                    + " is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        case .label:
            problem =
                DNSNames.isLabel(name)
                ? nil
                : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start"
                    + " and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for"
                    + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        case .rfc1035Label:
            problem =
                DNSNames.isRFC1035Label(name)
                ? nil
                : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic"
                    + " character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for"
                    + " validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        }
        return problem.map { [cause("metadata.name", "FieldValueInvalid", "Invalid value: \"\(name)\": \($0)")] } ?? []
    }

    static func labels(_ object: JSONObject) -> [StatusCause] {
        var causes: [StatusCause] = []
        for (key, value) in object.metadata["labels"]?.objectValue ?? [:] {
            guard let text = value.stringValue else {
                causes.append(
                    cause("metadata.labels", "FieldValueInvalid", "Invalid value: label values must be strings"))
                continue
            }
            do {
                _ = try LabelRequirement(key, .equals, [text])
            } catch {
                causes.append(
                    cause("metadata.labels", "FieldValueInvalid", "Invalid value: \"\(key)\": \(error.message)"))
            }
        }
        return causes
    }

    /// Kind-specific rules on a new or updated object.
    static func object(_ object: JSONObject, _ resource: ResourceDefinition) -> [StatusCause] {
        var causes = labels(object)
        switch resource.plural {
        case "leases":
            if let duration = object["spec"]?["leaseDurationSeconds"]?.integerValue, duration <= 0 {
                causes.append(
                    cause(
                        "spec.leaseDurationSeconds", "FieldValueInvalid",
                        "Invalid value: \(duration): must be greater than 0"))
            }
        case "roles":
            for (index, rule) in (object["rules"]?.arrayValue ?? []).enumerated()
            where (rule["verbs"]?.arrayValue ?? []).isEmpty {
                causes.append(
                    cause(
                        "rules[\(index)].verbs", "FieldValueRequired",
                        "Required value: verbs must contain at least one value"))
            }
        case "configmaps":
            let data = Set((object["data"]?.objectValue ?? [:]).keys)
            for key in (object["binaryData"]?.objectValue ?? [:]).keys where data.contains(key) {
                causes.append(
                    cause(
                        "data[\(key)]", "FieldValueInvalid",
                        "Invalid value: \"\(key)\": duplicate of key present in binaryData"))
            }
        case "poddisruptionbudgets":
            let spec = object["spec"]
            if spec?["minAvailable"] != nil, spec?["maxUnavailable"] != nil {
                causes.append(
                    cause(
                        "spec", "FieldValueInvalid", "Invalid value: minAvailable and maxUnavailable cannot be both set"
                    ))
            }
        case "statefulsets":
            causes += statefulSet(object)
        case "services":
            let spec = object["spec"]
            let type = spec?["type"]?.stringValue ?? "ClusterIP"
            if type != "ExternalName", spec?["clusterIP"]?.stringValue != "None",
                (spec?["ports"]?.arrayValue ?? []).isEmpty
            {
                causes.append(cause("spec.ports", "FieldValueRequired", "Required value"))
            }
        case "pods":
            if (object["spec"]?["containers"]?.arrayValue ?? []).isEmpty {
                causes.append(cause("spec.containers", "FieldValueRequired", "Required value"))
            }
        case "rolebindings":
            if object["roleRef"]?["name"]?.stringValue?.isEmpty ?? true {
                causes.append(cause("roleRef.name", "FieldValueRequired", "Required value"))
            }
        default:
            break
        }
        return causes
    }

    private static func statefulSet(_ object: JSONObject) -> [StatusCause] {
        guard let spec = object["spec"] else { return [cause("spec", "FieldValueRequired", "Required value")] }
        guard let selectorTree = spec["selector"],
            let selector = try? JSONCoding.value(LabelSelector.self, from: selectorTree),
            !selector.isEmpty
        else {
            return [cause("spec.selector", "FieldValueRequired", "Required value")]
        }
        var templateLabels: [String: String] = [:]
        for (key, value) in spec["template"]?["metadata"]?["labels"]?.objectValue ?? [:] {
            templateLabels[key] = value.stringValue ?? ""
        }
        guard selector.matches(templateLabels) else {
            return [
                cause(
                    "spec.template.metadata.labels", "FieldValueInvalid",
                    "Invalid value: \(templateLabels): `selector` does not match template `labels`")
            ]
        }
        return []
    }

    /// Rules that compare an update with the stored object.
    static func update(old: JSONObject, new: JSONObject, _ resource: ResourceDefinition) -> [StatusCause] {
        var causes: [StatusCause] = []
        switch resource.plural {
        case "services":
            let before = old["spec"]?["clusterIP"]?.stringValue
            if let before, !before.isEmpty, new["spec"]?["clusterIP"]?.stringValue != before {
                causes.append(cause("spec.clusterIP", "FieldValueInvalid", "Invalid value: field is immutable"))
            }
        case "rolebindings":
            if old["roleRef"] != new["roleRef"] {
                causes.append(cause("roleRef", "FieldValueInvalid", "Invalid value: cannot change roleRef"))
            }
        case "secrets", "configmaps":
            if resource.plural == "secrets", old["type"] != new["type"] {
                causes.append(cause("type", "FieldValueInvalid", "Invalid value: field is immutable"))
            }
            if old["immutable"]?.boolValue == true,
                old["data"] != new["data"] || old["binaryData"] != new["binaryData"]
                    || new["immutable"]?.boolValue != true
            {
                causes.append(cause("data", "Forbidden", "Forbidden: field is immutable when `immutable` is set"))
            }
        case "statefulsets":
            var before = old["spec"]?.objectValue ?? [:]
            var after = new["spec"]?.objectValue ?? [:]
            for mutable in ["replicas", "template", "updateStrategy"] {
                before[mutable] = nil
                after[mutable] = nil
            }
            if before != after {
                causes.append(
                    cause(
                        "spec", "Forbidden",
                        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'template', and"
                            + " 'updateStrategy' are forbidden"))
            }
        default:
            break
        }
        return causes
    }
}
