import Foundation
import Kube

/// The measured part of `make bench` (Kubernetes): runs against one API server.
enum Measurements {
    static let leaseIterations = 500
    static let listIterations = 20
    static let matchingPods = 1000
    static let otherPods = 200

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    }

    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }

    /// Lease get + compare-and-swap update, as the failover sidecar renews; then a list of
    /// 1,000 pods selected by label out of 1,200.
    static func run(configuration: KubeConfiguration) async throws -> [String: Double] {
        let client = try KubeClient(configuration, options: KubeClientOptions(requestTimeout: .seconds(60)))
        let namespace = "bench-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        let leases = LeaseClient(client: client, namespace: namespace, timeout: .seconds(5))
        let clock = ContinuousClock()

        _ = try await leases.create(
            Lease(
                metadata: ObjectMeta(name: "bench"), spec: LeaseSpec(holderIdentity: "bench", leaseDurationSeconds: 15))
        )
        var leaseSamples: [Double] = []
        for iteration in 0..<(leaseIterations + 50) {
            let start = clock.now
            guard var lease = try await leases.get("bench") else { throw KubeError.invalidResponse("lease vanished") }
            lease.spec?.renewTime = MicroTime(Timestamp(seconds: Int64(iteration)))
            guard case .written = try await leases.update(lease) else {
                throw KubeError.invalidResponse("lost a race alone")
            }
            if iteration >= 50 { leaseSamples.append(milliseconds(clock.now - start)) }
        }

        try await createPods(client, namespace: namespace)
        // The same list without decoding into models: the server's and the transfer's share.
        var rawSamples: [Double] = []
        let path = "/api/v1/namespaces/\(namespace)/pods"
        for iteration in 0..<(listIterations + 3) {
            let start = clock.now
            let answer = try await client.rawRequest(
                method: "GET", path: path, query: [("labelSelector", "bench=list")])
            guard answer.statusCode == 200 else { throw KubeError.invalidResponse("raw list: \(answer.statusCode)") }
            if iteration >= 3 { rawSamples.append(milliseconds(clock.now - start)) }
        }
        var listSamples: [Double] = []
        for iteration in 0..<(listIterations + 3) {
            let start = clock.now
            let list = try await client.list(
                Pod.self, namespace: namespace, options: ListOptions(labelSelector: "bench=list"))
            guard list.items.count == matchingPods else {
                throw KubeError.invalidResponse("listed \(list.items.count) pods, expected \(matchingPods)")
            }
            if iteration >= 3 { listSamples.append(milliseconds(clock.now - start)) }
        }
        client.shutdown()
        return [
            "lease_get_update_p50_ms": percentile(leaseSamples, 0.5),
            "lease_get_update_p99_ms": percentile(leaseSamples, 0.99),
            "list_1000_pods_p50_ms": percentile(listSamples, 0.5),
            "list_1000_pods_p99_ms": percentile(listSamples, 0.99),
            "list_1000_pods_undecoded_p50_ms": percentile(rawSamples, 0.5),
            "list_1000_pods_undecoded_p99_ms": percentile(rawSamples, 0.99),
            "lease_iterations": Double(leaseIterations), "list_iterations": Double(listIterations),
        ]
    }

    /// 1,000 pods labelled bench=list and 200 others, created 16 at a time.
    private static func createPods(_ client: KubeClient, namespace: String) async throws {
        let total = matchingPods + otherPods
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    var spec = PodSpec(containers: [Container(name: "postgres", image: "postgres:15")])
                    spec.containers[0].env = [EnvVar(name: "PGDATA", value: "/var/lib/postgresql/data/pgdata")]
                    spec.containers[0].ports = [ContainerPort(name: "postgres", containerPort: 5432)]
                    let labels = [
                        "bench": index < matchingPods ? "list" : "other", "app.kubernetes.io/name": "pg-bench",
                    ]
                    _ = try await client.create(
                        Pod(metadata: ObjectMeta(name: "pod-\(index)", labels: labels), spec: spec),
                        namespace: namespace)
                }
            }
            for _ in 0..<16 { add() }
            while try await group.next() != nil {
                if next < total { add() }
            }
        }
    }
}
