import Failover

/// The API server's side: the Lease with resourceVersion compare-and-swap (409 on a stale
/// version or an existing object), and the member statuses, each kept only over a lower sequence.
struct SimulatedStore {
    private(set) var lease: LeaseRecord?
    private var version = 0
    private(set) var statuses: [String: MemberStatus] = [:]

    mutating func apply(_ request: StoreRequest.Kind) -> StoreOutcome {
        switch request {
        case .read:
            return .read(lease: lease, statuses: statuses.keys.sorted().compactMap { statuses[$0] })
        case .writeLease(var record, let precondition):
            switch (precondition, lease) {
            case (.absent, nil): break
            case (.resourceVersion(let expected), let current?) where current.resourceVersion == expected: break
            case (.absent, _?), (.resourceVersion, _): return .lease(.conflict)
            }
            version += 1
            record.resourceVersion = String(version)
            lease = record
            return .lease(.written(record))
        case .publish(let status):
            if let stored = statuses[status.member], stored.sequence >= status.sequence { return .published(false) }
            statuses[status.member] = status
            return .published(true)
        }
    }
}

/// One request from a sidecar to the API server.
struct StoreRequest {
    enum Kind {
        case read
        case writeLease(LeaseRecord, LeasePrecondition)
        case publish(MemberStatus)
    }

    let id: Int
    let node: Int
    let kind: Kind
    /// Whether the answer reaches the sidecar before its timeout.
    let answered: Bool
}

enum StoreOutcome {
    case read(lease: LeaseRecord?, statuses: [MemberStatus])
    case lease(LeaseWriteOutcome)
    case published(Bool)
}
