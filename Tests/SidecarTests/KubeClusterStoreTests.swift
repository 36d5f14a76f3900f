import Failover
import Kube
import KubeTestSupport
import Logging
import Postgres
import Supervisor
import Testing

@testable import Sidecar

@Suite("Kube cluster store (API double)", .serialized)
struct KubeClusterStoreTests {
    static func store(_ double: KubeAPIDouble, pod: String, token: String? = nil) throws -> KubeClusterStore {
        let configuration = try SidecarConfiguration(
            namespace: "default", clusterName: "orders",
            failover: try FailoverConfiguration(identity: pod, leaseName: "orders-leader"),
            advertisedPostgres: SourceServer(host: pod, port: 5432), advertisedStatusAddress: pod + ":8008",
            localPostgres: LocalPostgresSettings(socketDirectory: "/run", hbaFile: "/h"), supervisorSocket: "/s")
        let client = try KubeClient(
            double.configuration(token: token ?? pod), options: KubeClientOptions(retry: .never))
        return KubeClusterStore(client: client, configuration: configuration, logger: Logger(label: "test"))
    }

    static func status(_ member: String, sequence: UInt64, role: MemberRole = .replica) -> MemberDocument {
        MemberDocument(
            status: MemberStatus(
                member: member, sequence: sequence, role: role, healthy: true, fenced: false, timeline: 1,
                walPosition: LSN(rawValue: sequence), replayedLSN: LSN(rawValue: sequence)),
            postgres: SourceServer(host: member, port: 5432), statusAddress: member + ":8008")
    }

    @Test("the lease is created once, renewed by compare-and-swap, and a stale writer loses the race")
    func leaseCompareAndSwap() async throws {
        let double = try await KubeAPIDouble.start()
        let (first, second) = (try Self.store(double, pod: "orders-0"), try Self.store(double, pod: "orders-1"))
        #expect(try await first.readCluster().lease == nil)
        let record = LeaseRecord(holder: "orders-0", leaseDuration: .seconds(15))
        guard case .written(let created) = try await first.writeLease(record, precondition: .absent) else {
            Issue.record("create failed")
            return
        }
        #expect(try await second.writeLease(record, precondition: .absent) == .conflict, "create is compare-and-create")
        let version = try #require(created.resourceVersion)
        var renewal = record
        renewal.renewTime = LeaseTimestamp("2026-01-01T00:00:02.000000Z")  // every real renewal changes it
        guard case .written = try await first.writeLease(renewal, precondition: .resourceVersion(version)) else {
            Issue.record("renewal failed")
            return
        }
        var theirs = record
        theirs.holder = "orders-1"
        #expect(
            try await second.writeLease(theirs, precondition: .resourceVersion(version)) == .conflict,
            "a write against the version read before the renewal loses")
        #expect(try await second.readCluster().lease?.holder == "orders-0")
        await double.stop()
    }

    @Test("statuses are published with compare-and-swap and read back with the lease in one list")
    func statuses() async throws {
        let double = try await KubeAPIDouble.start()
        let (first, second) = (try Self.store(double, pod: "orders-0"), try Self.store(double, pod: "orders-1"))
        #expect(try await first.publish(Self.status("orders-0", sequence: 1)))
        #expect(try await first.publish(Self.status("orders-0", sequence: 2)))
        #expect(try await second.publish(Self.status("orders-1", sequence: 5)))
        #expect(!(try await first.publish(Self.status("orders-0", sequence: 2))), "an equal sequence is refused")
        // A restarted publisher (empty cache) must not replace a newer status with an older one.
        let restarted = try Self.store(double, pod: "orders-0")
        #expect(!(try await restarted.publish(Self.status("orders-0", sequence: 1))))
        let reading = try await second.readCluster()
        let sequences = Dictionary(uniqueKeysWithValues: reading.members.map { ($0.status.member, $0.status.sequence) })
        #expect(sequences == ["orders-0": 2, "orders-1": 5])
        await double.stop()
    }

    @Test("labelling a primary relabels the pod still labelled primary, so at most one carries it")
    func labels() async throws {
        let double = try await KubeAPIDouble.start()
        let admin = try KubeClient(double.configuration(), options: KubeClientOptions(retry: .never))
        for (name, role) in [("orders-0", "primary"), ("orders-1", "replica")] {
            _ = try await admin.create(
                Pod(
                    metadata: ObjectMeta(
                        name: name, labels: ["pg-swarm.io/cluster": "orders", "pg-swarm.io/role": role]),
                    spec: PodSpec(containers: [Container(name: "postgres", image: "postgres:15")])))
        }
        try await Self.store(double, pod: "orders-1").labelPod(.primary)
        let pods = try await admin.list(Pod.self, options: ListOptions(labelSelector: "pg-swarm.io/cluster=orders"))
        let roles = Dictionary(
            uniqueKeysWithValues: pods.items.map { ($0.metadata.name!, $0.metadata.labels?["pg-swarm.io/role"]) })
        #expect(roles == ["orders-0": "replica", "orders-1": "primary"])
        await double.stop()
    }

    @Test("the leader watch reports others' changes and not our own renewals, while the same client writes")
    func leaderWatch() async throws {
        let double = try await KubeAPIDouble.start()
        let (first, second) = (try Self.store(double, pod: "orders-0"), try Self.store(double, pod: "orders-1"))
        let changes = second.leaderChanges()
        let ownChanges = first.leaderChanges()
        // Let both watches list the (empty) state first, so the writes below arrive as events.
        try await Task.sleep(for: .milliseconds(300))
        let record = LeaseRecord(holder: "orders-0", leaseDuration: .seconds(15))
        guard case .written(let created) = try await first.writeLease(record, precondition: .absent) else { return }
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() == .some("orders-0"))
        let released = LeaseRecord(holder: nil, leaseDuration: .seconds(1), releasedBy: "orders-0")
        _ = try await first.writeLease(released, precondition: .resourceVersion(created.resourceVersion!))
        #expect(await iterator.next() == .some(nil))
        var own = ownChanges.makeAsyncIterator()
        #expect(await own.next() == .some(nil), "our own creation is skipped; the release is reported")
        await double.stop()
    }
}
