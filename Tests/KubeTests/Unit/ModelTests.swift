import Foundation
import Kube
import Testing

@Suite("Models")
struct ModelTests {
    @Test("fields the model does not know survive a decode and encode")
    func unknownFieldsRoundTrip() throws {
        let json = #"""
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","resourceVersion":"7",
             "managedFields":[{"manager":"x"}]},
             "spec":{"holderIdentity":"a","leaseDurationSeconds":15,"preferredHolder":"b","strategy":"OldestEmulationVersion"}}
            """#
        var lease = try JSONCoding.decode(Lease.self, from: Data(json.utf8))
        #expect(lease.spec?.holderIdentity == "a")
        #expect(lease.spec?.unknownFields["preferredHolder"] == "b")
        lease.spec?.holderIdentity = nil
        let tree = try JSONCoding.tree(of: lease)
        #expect(tree["spec"]?["preferredHolder"] == "b")
        #expect(tree["spec"]?["strategy"] == "OldestEmulationVersion")
        #expect(tree["spec"]?["holderIdentity"] == nil, "a known field set to nil is dropped")
    }

    @Test("a pod keeps unknown container and spec fields through an update")
    func podRoundTrip() throws {
        let json = #"""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"db","image":"postgres:15","startupProbe":{"exec":{}}}],
             "runtimeClassName":"gvisor"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[{"name":"db","ready":true,"restartCount":2,"state":{"running":{}}}],"hostIPs":[]}}
            """#
        let pod = try JSONCoding.decode(Pod.self, from: Data(json.utf8))
        #expect(pod.status?.value.condition("Ready")?.status == "True")
        #expect(pod.status?.containerStatuses?.first?.restartCount == 2)
        let tree = try JSONCoding.tree(of: pod)
        #expect(tree["spec"]?["runtimeClassName"] == "gvisor")
        #expect(tree["spec"]?["containers"]?.arrayValue?.first?["startupProbe"] != nil)
        #expect(tree["status"]?["hostIPs"] == .array([]))
    }

    @Test("every model names its resource correctly")
    func resourceTypes() {
        let types: [(any KubeObject.Type, String)] = [
            (Lease.self, "/apis/coordination.k8s.io/v1 leases"), (Pod.self, "/api/v1 pods"),
            (Service.self, "/api/v1 services"), (Endpoints.self, "/api/v1 endpoints"),
            (StatefulSet.self, "/apis/apps/v1 statefulsets"), (ConfigMap.self, "/api/v1 configmaps"),
            (Secret.self, "/api/v1 secrets"), (ServiceAccount.self, "/api/v1 serviceaccounts"),
            (Role.self, "/apis/rbac.authorization.k8s.io/v1 roles"),
            (RoleBinding.self, "/apis/rbac.authorization.k8s.io/v1 rolebindings"),
            (PodDisruptionBudget.self, "/apis/policy/v1 poddisruptionbudgets"), (Event.self, "/api/v1 events"),
            (Namespace.self, "/api/v1 namespaces"), (PersistentVolumeClaim.self, "/api/v1 persistentvolumeclaims"),
            (StorageClass.self, "/apis/storage.k8s.io/v1 storageclasses"), (Node.self, "/api/v1 nodes"),
        ]
        for (type, expected) in types {
            let resource = type.resourceType
            #expect("\(resource.groupVersionPath(resource.version)) \(resource.plural)" == expected)
        }
        #expect(PodDisruptionBudget.resourceType.versions == ["v1", "v1beta1"])
        #expect(
            !Namespace.resourceType.namespaced && !Node.resourceType.namespaced && !StorageClass.resourceType.namespaced
        )
    }

    @Test("IntOrString and Secret values decode both ways")
    func smallTypes() throws {
        #expect(try JSONCoding.decode([IntOrString].self, from: Data(#"[1,"25%"]"#.utf8)) == [.int(1), .string("25%")])
        let secret = try JSONCoding.decode(
            Secret.self, from: Data(#"{"metadata":{"name":"s"},"data":{"k":"aGk="}}"#.utf8))
        #expect(secret.value("k") == Array("hi".utf8))
    }
}
