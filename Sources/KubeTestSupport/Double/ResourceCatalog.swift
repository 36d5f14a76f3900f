import Kube

/// How the double treats one resource (spec/k8s-api-semantics.md §4).
struct ResourceDefinition: Sendable {
    enum NameRule: Sendable {
        /// RFC 1123 subdomain (most kinds).
        case subdomain
        /// RFC 1123 label (namespaces).
        case label
        /// RFC 1035 label (services).
        case rfc1035Label
    }

    var group: String
    /// Versions served; all share one storage (PDB: v1 and v1beta1).
    var versions: [String]
    var plural: String
    var kind: String
    var namespaced: Bool
    /// Lease and PodDisruptionBudget refuse a PUT without resourceVersion (422).
    var allowsUnconditionalUpdate = true
    /// Kinds with a `status` subresource: the main resource ignores status changes.
    var hasStatusSubresource = false
    /// Kinds whose spec changes bump `metadata.generation`.
    var tracksGeneration = false
    /// DELETE answers with the object (pods) instead of a Status.
    var deleteReturnsObject = false
    var nameRule = NameRule.subdomain
    /// Field-selector fields beyond metadata.name and metadata.namespace.
    var fieldSelectors: [String] = []

    /// `leases.coordination.k8s.io`: the storage key and the `details.group` / message form.
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    func apiVersion(_ version: String) -> String {
        group.isEmpty ? version : "\(group)/\(version)"
    }
}

/// The resources the double serves.
struct ResourceCatalog: Sendable {
    let definitions: [ResourceDefinition]

    init(policyVersions: [String]) {
        var podFields = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName"]
        podFields += ["status.phase", "status.podIP", "status.nominatedNodeName"]
        let eventFields =
            ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid"]
            + ["involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath"]
            + ["reason", "reportingComponent", "source", "type"]
        var definitions = [
            ResourceDefinition(
                group: "coordination.k8s.io", versions: ["v1"], plural: "leases", kind: "Lease", namespaced: true,
                allowsUnconditionalUpdate: false),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "pods", kind: "Pod", namespaced: true, hasStatusSubresource: true,
                deleteReturnsObject: true, fieldSelectors: podFields),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "services", kind: "Service", namespaced: true,
                hasStatusSubresource: true, nameRule: .rfc1035Label),
            ResourceDefinition(group: "", versions: ["v1"], plural: "endpoints", kind: "Endpoints", namespaced: true),
            ResourceDefinition(group: "", versions: ["v1"], plural: "configmaps", kind: "ConfigMap", namespaced: true),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "secrets", kind: "Secret", namespaced: true,
                fieldSelectors: ["type"]),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "events", kind: "Event", namespaced: true,
                fieldSelectors: eventFields),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "namespaces", kind: "Namespace", namespaced: false,
                hasStatusSubresource: true, nameRule: .label, fieldSelectors: ["status.phase"]),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim",
                namespaced: true, hasStatusSubresource: true),
            ResourceDefinition(
                group: "", versions: ["v1"], plural: "nodes", kind: "Node", namespaced: false,
                hasStatusSubresource: true, fieldSelectors: ["spec.unschedulable"]),
            ResourceDefinition(
                group: "apps", versions: ["v1"], plural: "statefulsets", kind: "StatefulSet", namespaced: true,
                hasStatusSubresource: true, tracksGeneration: true),
            ResourceDefinition(
                group: "rbac.authorization.k8s.io", versions: ["v1"], plural: "roles", kind: "Role", namespaced: true),
            ResourceDefinition(
                group: "rbac.authorization.k8s.io", versions: ["v1"], plural: "rolebindings", kind: "RoleBinding",
                namespaced: true),
            ResourceDefinition(
                group: "storage.k8s.io", versions: ["v1"], plural: "storageclasses", kind: "StorageClass",
                namespaced: false),
        ]
        if !policyVersions.isEmpty {
            definitions.append(
                ResourceDefinition(
                    group: "policy", versions: policyVersions, plural: "poddisruptionbudgets",
                    kind: "PodDisruptionBudget", namespaced: true, allowsUnconditionalUpdate: false,
                    hasStatusSubresource: true, tracksGeneration: true))
        }
        self.definitions = definitions
    }

    func resource(group: String, version: String, plural: String) -> ResourceDefinition? {
        definitions.first { $0.group == group && $0.plural == plural && $0.versions.contains(version) }
    }

    func serves(group: String, version: String) -> Bool {
        definitions.contains { $0.group == group && $0.versions.contains(version) }
    }

    func resources(group: String, version: String) -> [ResourceDefinition] {
        definitions.filter { $0.group == group && $0.versions.contains(version) }
    }

    var groups: [String: [String]] {
        var groups: [String: [String]] = [:]
        for definition in definitions where !definition.group.isEmpty {
            for version in definition.versions where !(groups[definition.group]?.contains(version) ?? false) {
                groups[definition.group, default: []].append(version)
            }
        }
        return groups
    }
}
