import Failover

/// How a run failed (TigerBeetle's `Failure`: distinct categories, so seed loops can tell them apart).
public enum FailureCategory: String, Sendable {
    /// An invariant broke: two writable primaries, a lost acknowledged write, a late fence.
    case safety
    /// Faults healed, but the cluster did not converge in time.
    case liveness
    /// The simulation itself reached a state it cannot handle (a harness bug or a runaway run).
    case crash
}

public struct SimulationFailure: Error, Sendable, CustomStringConvertible {
    public let seed: UInt64
    public let category: FailureCategory
    public let message: String
    /// Simulated seconds into the run.
    public let atMicroseconds: Int64

    /// The line to paste to replay exactly this run with its full trace.
    public var replayCommand: String { "PGSWARM_SIM_SEED=\(seed) swift test --filter FailoverSimulationTests" }

    public var description: String {
        "SEED=\(seed) \(category.rawValue) failure at \(formatSeconds(atMicroseconds)): \(message)\n"
            + "replay: \(replayCommand)"
    }
}

/// Rare branches a run went through (TigerBeetle's coverage marks): tests assert that the seed
/// sweep reaches each of them, so none of them is dead code in the simulation's eyes.
public enum CoverageMark: String, CaseIterable, Sendable {
    case selfFenceOnRenewDeadline = "self-fence on renew deadline"
    case fencedWithoutLease = "fence a primary without the lease"
    case watchdogFenced = "supervisor watchdog fenced"
    case failsafeKeptPrimary = "failsafe kept primary"
    case failsafeFencedPrimary = "failsafe fenced unconfirmed primary"
    case failsafePromiseHeldBack = "failsafe promise held a candidate back"
    case renewalFailuresRiddenOut = "renewal failures ridden out without fencing"
    case reclaimedOwnLease = "reclaimed own lease"
    case lostLeaseRace = "lost a lease race"
    case promoted = "promoted a replica"
    case ineligibleLagging = "candidate too far behind"
    case ineligiblePeerAhead = "candidate deferred to a peer ahead"
    case ineligibleTimelineBehind = "candidate on an old timeline"
    case ineligibleNotSynchronous = "candidate not the synchronous standby"
    case ineligiblePrimaryAlive = "candidate waited for a live primary to fence"
    case restartedInPlace = "primary restarted in place keeping the lease"
    case releasedAfterRepairBudget = "lease released after the repair budget"
    case handedOver = "handover to a caught-up replica"
    case demotedOldPrimary = "old primary demoted"
    case rewound = "diverged node rewound"
    case synchronousStandbyClaimed = "synchronous standby claimed"
    case synchronousClaimRetracted = "synchronous standby claim retracted"
}

/// Figures from one run, summed over many by `SimulationSummary`.
public struct RunStatistics: Sendable {
    public var faults: [FaultKind: Int] = [:]
    public var marks: [CoverageMark: Int] = [:]
    public var promotions = 0
    public var acknowledgedWrites = 0
    /// Longest time between two acknowledged writes, in microseconds.
    public var longestWriteOutage: Int64 = 0
    /// Acknowledged bytes lost by failovers (asynchronous mode only; bounded by the lag rule).
    public var lostAcknowledgedBytes: UInt64 = 0
    /// Time from healing to convergence in the liveness phase, in microseconds.
    public var convergence: Int64 = 0
    public var events = 0
    public var decisions = 0

    mutating func mark(_ mark: CoverageMark) { marks[mark, default: 0] += 1 }
}

public struct SimulationResult: Sendable {
    public let options: SimulationOptions
    public let statistics: RunStatistics
    public let failure: SimulationFailure?
    /// The run's trace (empty unless tracing was on).
    public let trace: [String]
}

/// Totals over a sweep of seeds.
public struct SimulationSummary: Sendable, CustomStringConvertible {
    public var runs = 0
    public var failures: [SimulationFailure] = []
    public var faults: [FaultKind: Int] = [:]
    public var marks: [CoverageMark: Int] = [:]
    public var promotions = 0
    public var acknowledgedWrites = 0
    public var longestWriteOutage: Int64 = 0
    public var longestWriteOutageSeed: UInt64 = 0
    public var lostAcknowledgedBytes: UInt64 = 0
    public var longestConvergence: Int64 = 0
    public var events = 0
    public var decisions = 0
    public var synchronousRuns = 0
    public var failsafeRuns = 0

    public init() {}

    public mutating func add(_ result: SimulationResult) {
        runs += 1
        if let failure = result.failure { failures.append(failure) }
        let statistics = result.statistics
        faults.merge(statistics.faults, uniquingKeysWith: +)
        marks.merge(statistics.marks, uniquingKeysWith: +)
        promotions += statistics.promotions
        acknowledgedWrites += statistics.acknowledgedWrites
        if statistics.longestWriteOutage > longestWriteOutage {
            longestWriteOutage = statistics.longestWriteOutage
            longestWriteOutageSeed = result.options.seed
        }
        lostAcknowledgedBytes += statistics.lostAcknowledgedBytes
        longestConvergence = max(longestConvergence, statistics.convergence)
        events += statistics.events
        decisions += statistics.decisions
        if result.options.synchronousMode == .on { synchronousRuns += 1 }
        if result.options.failsafeMode == .on { failsafeRuns += 1 }
    }

    public mutating func merge(_ other: SimulationSummary) {
        runs += other.runs
        failures += other.failures
        faults.merge(other.faults, uniquingKeysWith: +)
        marks.merge(other.marks, uniquingKeysWith: +)
        promotions += other.promotions
        acknowledgedWrites += other.acknowledgedWrites
        if other.longestWriteOutage > longestWriteOutage {
            longestWriteOutage = other.longestWriteOutage
            longestWriteOutageSeed = other.longestWriteOutageSeed
        }
        lostAcknowledgedBytes += other.lostAcknowledgedBytes
        longestConvergence = max(longestConvergence, other.longestConvergence)
        events += other.events
        decisions += other.decisions
        synchronousRuns += other.synchronousRuns
        failsafeRuns += other.failsafeRuns
    }

    public var description: String {
        let faultList = faults.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }
        let markList = CoverageMark.allCases.map { "  \($0.rawValue): \(marks[$0] ?? 0)" }
        return [
            "simulated \(runs) seeds (\(synchronousRuns) synchronous, \(failsafeRuns) failsafe): "
                + "\(failures.count) failures, \(events) events, \(decisions) decisions",
            "faults injected: \(faults.values.reduce(0, +)) (\(faultList.joined(separator: " ")))",
            "failovers (promotions): \(promotions); acknowledged writes: \(acknowledgedWrites); "
                + "acknowledged bytes lost in asynchronous mode: \(lostAcknowledgedBytes)",
            "longest write outage: \(formatSeconds(longestWriteOutage)) (seed \(longestWriteOutageSeed)); "
                + "longest convergence after healing: \(formatSeconds(longestConvergence))",
            "coverage marks:",
        ].joined(separator: "\n") + "\n" + markList.joined(separator: "\n")
    }
}

/// `12.345s` from microseconds, without Foundation.
func formatSeconds(_ microseconds: Int64) -> String {
    let milliseconds = microseconds / 1000
    let fraction = String(milliseconds % 1000)
    return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction + "s"
}
