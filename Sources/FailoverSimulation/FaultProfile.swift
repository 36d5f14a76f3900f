/// The kinds of trouble a run can inject.
public enum FaultKind: String, CaseIterable, Sendable, Comparable {
    /// kill -9 of the whole pod: PostgreSQL, supervisor and sidecar; the pod comes back later.
    case nodeLoss
    /// PostgreSQL crashes; a restart brings it back.
    case postgresCrash
    /// PostgreSQL crashes and cannot start again for a while.
    case postgresBroken
    /// The sidecar process dies (memory lost); PostgreSQL and the supervisor keep running.
    case sidecarCrash
    /// One sidecar cannot reach the API server at all.
    case apiPartition
    /// One sidecar's requests reach the API server but the answers are lost (asymmetric).
    case apiResponsesLost
    /// The API server is down for everybody.
    case apiOutage
    /// The API server answers some requests with errors and lets others hang.
    case apiFlaky
    /// One pod loses its network to the other pods (replication, failsafe), not to the API.
    case podNetworkPartition
    /// One replica stops receiving WAL.
    case replicationStall
    /// SIGTERM to a pod: it hands over and exits; it comes back later.
    case gracefulShutdown

    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Swarm testing (TigerBeetle's `options_swarm`): every seed switches some fault kinds off and
/// weights the rest differently, which explores far more than one fixed mix.
public struct FaultProfile: Sendable, CustomStringConvertible {
    /// Weight per kind; kinds with weight 0 never happen in this run.
    public var weights: [FaultKind: Int]
    /// How many faults the fault phase injects.
    public var count: Int
    /// Out of 4: how often a fault aims at the current primary rather than a random member.
    public var primaryBias: UInt64

    init(random: inout SimulationRandom, nodeCount: Int) {
        var weights: [FaultKind: Int] = [:]
        for kind in FaultKind.allCases {
            weights[kind] = random.chance(1, in: 2) ? random.int(in: 1...4) : 0
        }
        if weights.values.allSatisfy({ $0 == 0 }) { weights[random.pick(FaultKind.allCases)] = 1 }
        self.weights = weights
        count = random.int(in: 1...6)
        primaryBias = UInt64(random.int(in: 1...4))
    }

    /// A kind drawn by weight.
    func draw(_ random: inout SimulationRandom) -> FaultKind {
        let enabled = FaultKind.allCases.filter { (weights[$0] ?? 0) > 0 }
        var remaining = random.int(in: 1...enabled.reduce(0) { $0 + (weights[$1] ?? 0) })
        for kind in enabled {
            remaining -= weights[kind] ?? 0
            if remaining <= 0 { return kind }
        }
        return enabled[enabled.count - 1]
    }

    public var description: String {
        let enabled = weights.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        return "\(count) of " + enabled.map { "\($0.key.rawValue)×\($0.value)" }.joined(separator: " ")
            + " primary-bias=\(primaryBias)/4"
    }
}

/// A fault's start (with its target and how long it lasts) or its end.
enum FaultEvent {
    case begin(id: Int, kind: FaultKind, aim: FaultAim, duration: Int64)
    case end(id: Int)
}

/// Whom a fault hits, resolved when it begins.
enum FaultAim {
    /// The member that is primary at that moment (falling back to `fallback`).
    case primary(fallback: Int)
    case member(Int)
}
