import Foundation
import Kube
import KubeTestSupport
import Testing

/// The objects pg-swarm builds with the `Kube` models are valid manifests, and the Swift-side
/// manifest checks catch invalid ones.
@Suite(
    "Manifest checks from Swift",
    .enabled(
        if: ManifestValidator.toolsAvailable || ProcessInfo.processInfo.environment["PGSWARM_KUBE_SKIP_MISSING"] != "1",
        "kubectl and kubernetes-validate are not installed (make deps)"))
struct ManifestValidatorTests {
    @Test("objects built with the models validate strictly")
    func modelObjectsValidate() async throws {
        var pod = PodSpec(containers: [Container(name: "postgres", image: "postgres:15")])
        pod.containers[0].ports = [ContainerPort(name: "postgres", containerPort: 5432)]
        pod.serviceAccountName = "pg"
        let labels = ["app.kubernetes.io/name": "pg"]
        let objects: [any KubeObject] = [
            StatefulSet(
                metadata: ObjectMeta(name: "pg", namespace: "edge"),
                spec: StatefulSetSpec(
                    replicas: 3, selector: try .matchLabels(labels), serviceName: "pg",
                    template: PodTemplateSpec(metadata: ObjectMeta(labels: labels), spec: pod))),
            Service(
                metadata: ObjectMeta(name: "pg", namespace: "edge"),
                spec: ServiceSpec(
                    selector: labels,
                    ports: [ServicePort(name: "postgres", port: 5432, targetPort: .string("postgres"))],
                    clusterIP: "None")),
            PodDisruptionBudget(
                metadata: ObjectMeta(name: "pg", namespace: "edge"),
                spec: PodDisruptionBudgetSpec(maxUnavailable: .int(1), selector: try .matchLabels(labels))),
            Lease(
                metadata: ObjectMeta(name: "pg-leader", namespace: "edge"),
                spec: LeaseSpec(
                    holderIdentity: "pg-0", leaseDurationSeconds: 15, renewTime: MicroTime(Timestamp(seconds: 0)))),
            Role(
                metadata: ObjectMeta(name: "pg", namespace: "edge"),
                rules: [
                    PolicyRule(apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "update"])
                ]),
            RoleBinding(
                metadata: ObjectMeta(name: "pg", namespace: "edge"), roleRef: RoleRef(name: "pg"),
                subjects: [Subject(name: "pg")]),
            ServiceAccount(metadata: ObjectMeta(name: "pg", namespace: "edge")),
            ConfigMap(metadata: ObjectMeta(name: "pg", namespace: "edge"), data: ["a": "b"]),
            Secret(metadata: ObjectMeta(name: "pg", namespace: "edge"), stringData: ["password": "x"]),
            PersistentVolumeClaim(
                metadata: ObjectMeta(name: "data", namespace: "edge"),
                spec: PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], storageRequest: "10Gi")),
        ]
        let passed = try await ManifestValidator.validate(objects)
        #expect(passed.count == objects.count * ManifestValidator.versions.count)
    }

    @Test("a wrong type and an unknown field are refused; a kustomization renders")
    func refusals() async throws {
        await #expect(throws: ManifestValidator.Failure.self) {
            try await ManifestValidator.validate(
                yaml:
                    #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"x"},"spec":{"leaseDurationSeconds":"15"}}"#
            )
        }
        let samples = KubeTestEnvironment.repositoryRoot + "/Tests/manifests"
        await #expect(throws: ManifestValidator.Failure.self) {
            try await ManifestValidator.checkKustomization(samples + "/invalid")
        }
        let rendered = try await ManifestValidator.checkKustomization(samples + "/sample/overlay")
        #expect(rendered.contains("name: orders-pg-sample"))
    }
}
