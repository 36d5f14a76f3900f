import Kube

/// Server-side defaults applied on create (§4.3), the ones clients observe.
extension APIStore {
    func applyDefaults(_ object: inout JSONObject, _ resource: ResourceDefinition) {
        switch resource.plural {
        case "pods":
            var spec = object["spec"]?.objectValue ?? [:]
            spec["restartPolicy"] = spec["restartPolicy"] ?? "Always"
            spec["dnsPolicy"] = spec["dnsPolicy"] ?? "ClusterFirst"
            spec["terminationGracePeriodSeconds"] = spec["terminationGracePeriodSeconds"] ?? 30
            spec["schedulerName"] = spec["schedulerName"] ?? "default-scheduler"
            spec["securityContext"] = spec["securityContext"] ?? [:]
            spec["enableServiceLinks"] = spec["enableServiceLinks"] ?? true
            spec["containers"] = .array(
                (spec["containers"]?.arrayValue ?? []).map { container in
                    var container = container.objectValue ?? [:]
                    container["terminationMessagePath"] = container["terminationMessagePath"] ?? "/dev/termination-log"
                    container["terminationMessagePolicy"] = container["terminationMessagePolicy"] ?? "File"
                    let image = container["image"]?.stringValue ?? ""
                    container["imagePullPolicy"] =
                        container["imagePullPolicy"]
                        ?? (image.hasSuffix(":latest") || !image.contains(":") ? "Always" : "IfNotPresent")
                    container["resources"] = container["resources"] ?? [:]
                    return .object(container)
                })
            object["spec"] = .object(spec)
            object["status"] = ["phase": "Pending", "qosClass": "BestEffort"]
        case "services":
            var spec = object["spec"]?.objectValue ?? [:]
            spec["type"] = spec["type"] ?? "ClusterIP"
            spec["sessionAffinity"] = spec["sessionAffinity"] ?? "None"
            if spec["clusterIP"]?.stringValue?.isEmpty ?? true, spec["type"]?.stringValue != "ExternalName" {
                nextServiceIP += 1
                spec["clusterIP"] = .string("10.96.\(nextServiceIP / 250).\(nextServiceIP % 250 + 1)")
            }
            if let clusterIP = spec["clusterIP"] { spec["clusterIPs"] = [clusterIP] }
            spec["ports"] = .array(
                (spec["ports"]?.arrayValue ?? []).map { port in
                    var port = port.objectValue ?? [:]
                    port["protocol"] = port["protocol"] ?? "TCP"
                    port["targetPort"] = port["targetPort"] ?? port["port"]
                    return .object(port)
                })
            object["spec"] = .object(spec)
            object["status"] = ["loadBalancer": [:]]
        case "secrets":
            object["type"] = object["type"] ?? "Opaque"
        case "namespaces":
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
        case "statefulsets":
            var spec = object["spec"]?.objectValue ?? [:]
            spec["replicas"] = spec["replicas"] ?? 1
            spec["podManagementPolicy"] = spec["podManagementPolicy"] ?? "OrderedReady"
            spec["revisionHistoryLimit"] = spec["revisionHistoryLimit"] ?? 10
            spec["updateStrategy"] =
                spec["updateStrategy"] ?? ["type": "RollingUpdate", "rollingUpdate": ["partition": 0]]
            object["spec"] = .object(spec)
            object["status"] = ["replicas": 0]
        case "persistentvolumeclaims":
            var spec = object["spec"]?.objectValue ?? [:]
            spec["volumeMode"] = spec["volumeMode"] ?? "Filesystem"
            object["spec"] = .object(spec)
            object["status"] = ["phase": "Pending"]
        case "poddisruptionbudgets":
            object["status"] = [
                "disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0,
            ]
        default:
            if resource.hasStatusSubresource { object["status"] = nil }
        }
    }

    /// `stringData` is write-only: merged into `data` (base64) and dropped.
    func foldStringData(_ object: inout JSONObject) {
        guard let stringData = object["stringData"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            data[key] = .string(Base64.encode(Array((value.stringValue ?? "").utf8)))
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }
}
