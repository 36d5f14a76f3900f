public import Failover
public import Kube
public import Logging

/// `ClusterAPI` on Kubernetes Leases: `<cluster>-leader` for the election and one Lease per
/// member, `<cluster>-member-<pod>`, holding its status JSON in an annotation. All carry the
/// label `pg-swarm.io/cluster=<cluster>`, so one list (a quorum read of etcd) returns the lease
/// and every status as one snapshot.
public actor KubeClusterStore: ClusterAPI {
    let client: KubeClient
    let leases: LeaseClient
    let configuration: SidecarConfiguration
    let logger: Logger
    /// The leader Lease as last read or written: the base of the next write (keeps fields and
    /// annotations we do not model).
    var leader: Lease?
    /// Our member Lease as last read or written: its resourceVersion makes publication a
    /// compare-and-swap.
    var ownMember: Lease?
    /// The pod label we last set, so that an unchanged label costs no request.
    var appliedRole: RoleLabel?

    public init(client: KubeClient, configuration: SidecarConfiguration, logger: Logger) {
        self.client = client
        self.leases = LeaseClient(client: client, namespace: configuration.namespace, timeout: configuration.apiTimeout)
        self.configuration = configuration
        self.logger = logger
    }

    var namespace: String { configuration.namespace }
    var timeout: Duration { configuration.apiTimeout }
    var clusterSelector: String { "\(Labels.cluster)=\(configuration.clusterName)" }

    public func readCluster() async throws -> ClusterReading {
        let list = try await client.list(
            Lease.self, namespace: namespace, options: ListOptions(labelSelector: clusterSelector), timeout: timeout)
        var leaderLease = list.items.first { $0.metadata.name == configuration.leaderLeaseName }
        if leaderLease == nil {
            // Absent, or created without our label (by an older version or by hand).
            leaderLease = try await leases.get(configuration.leaderLeaseName)
        }
        leader = leaderLease
        var members: [MemberDocument] = []
        for item in list.items where item.metadata.labels?[Labels.member] != nil {
            guard let text = item.metadata.annotations?[Labels.memberStatus] else { continue }
            do {
                let document = try MemberDocument.decode(text)
                if document.status.member == configuration.podName { ownMember = item }
                members.append(document)
            } catch {
                logger.warning(
                    "ignoring a malformed member status", metadata: ["lease.name": "\(item.metadata.name ?? "")"])
            }
        }
        return ClusterReading(lease: leaderLease.map(LeaseConversion.record), members: members)
    }

    public func writeLease(_ record: LeaseRecord, precondition: LeasePrecondition) async throws -> LeaseWriteOutcome {
        let name = configuration.leaderLeaseName
        let labels = [Labels.cluster: configuration.clusterName]
        let outcome: LeaseClient.WriteOutcome
        switch precondition {
        case .absent:
            let lease = LeaseConversion.lease(
                record, name: name, namespace: namespace, labels: labels, base: nil, resourceVersion: nil)
            outcome = try await leases.create(lease)
        case .resourceVersion(let version):
            let base = leader?.metadata.resourceVersion == version ? leader : nil
            let lease = LeaseConversion.lease(
                record, name: name, namespace: namespace, labels: labels, base: base, resourceVersion: version)
            outcome = try await leases.update(lease)
        }
        switch outcome {
        case .written(let stored):
            leader = stored
            return .written(LeaseConversion.record(from: stored))
        case .lostRace:
            return .conflict
        }
    }

    public func publish(_ document: MemberDocument) async throws -> Bool {
        let text = try document.encoded()
        for _ in 0..<2 {
            if let current = ownMember {
                if let stored = current.metadata.annotations?[Labels.memberStatus],
                    let storedDocument = try? MemberDocument.decode(stored),
                    storedDocument.status.sequence >= document.status.sequence
                {
                    return false
                }
                var lease = current
                var annotations = lease.metadata.annotations ?? [:]
                annotations[Labels.memberStatus] = text
                lease.metadata.annotations = annotations
                switch try await leases.update(lease) {
                case .written(let stored):
                    ownMember = stored
                    return true
                case .lostRace:
                    // Only we write this object: a write of ours landed late. Read it and retry.
                    ownMember = try await leases.get(memberLeaseName)
                }
            } else {
                switch try await leases.create(newMemberLease(text)) {
                case .written(let stored):
                    ownMember = stored
                    return true
                case .lostRace:
                    ownMember = try await leases.get(memberLeaseName)
                }
            }
        }
        return false
    }

    var memberLeaseName: String { configuration.memberLeaseName(configuration.podName) }

    func newMemberLease(_ text: String) -> Lease {
        Lease(
            metadata: ObjectMeta(
                name: memberLeaseName, namespace: namespace,
                labels: [Labels.cluster: configuration.clusterName, Labels.member: configuration.podName],
                annotations: [Labels.memberStatus: text]),
            spec: LeaseSpec(holderIdentity: configuration.podName))
    }

    public func labelPod(_ role: RoleLabel) async throws {
        guard appliedRole != role else { return }
        if role == .primary {
            let selector = "\(clusterSelector),\(Labels.role)=\(RoleLabel.primary.rawValue)"
            let others = try await client.list(
                Pod.self, namespace: namespace, options: ListOptions(labelSelector: selector), timeout: timeout)
            for pod in others.items {
                guard let name = pod.metadata.name, name != configuration.podName else { continue }
                try await patchRole(of: name, .replica)
                logger.notice("relabelled a former primary's pod", metadata: ["pod.name": "\(name)"])
            }
        }
        try await patchRole(of: configuration.podName, role)
        appliedRole = role
    }

    private func patchRole(of pod: String, _ role: RoleLabel) async throws {
        let patch = Patch.merge(
            .object(["metadata": .object(["labels": .object([Labels.role: .string(role.rawValue)])])]))
        _ = try await client.patch(Pod.self, pod, namespace: namespace, patch, timeout: timeout)
    }

    public nonisolated func leaderChanges() -> AsyncStream<String?> {
        let (stream, continuation) = AsyncStream<String?>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let changes = client.changes(
            Lease.self, namespace: configuration.namespace,
            fieldSelector: "metadata.name=\(configuration.leaderLeaseName)")
        let me = configuration.podName
        let task = Task {
            var lastVersion: String?
            do {
                for try await change in changes {
                    let lease: Lease?
                    switch change {
                    case .added(let object), .modified(let object): lease = object
                    case .deleted: lease = nil
                    case .synced, .resumed: continue
                    }
                    let holder = lease?.spec?.value.holderIdentity.flatMap { $0.isEmpty ? nil : $0 }
                    // Our own renewals wake nobody; every other change may matter.
                    guard holder != me, lease?.metadata.resourceVersion != lastVersion else { continue }
                    lastVersion = lease?.metadata.resourceVersion
                    continuation.yield(holder)
                }
            } catch {}
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
