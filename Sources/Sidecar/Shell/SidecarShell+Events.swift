import Failover
import PGSwarmAPI
import Supervisor
import Synchronization

/// The events a completed decision is worth, for the satellite (`EventOutbox`): the role and
/// lease changes an operator looks for after the fact. Steady-state decisions (renewals,
/// following, waiting) are not events; their summaries stay in the log.
extension SidecarShell {
    /// FAILOVER_BLOCKED once per episode (`FailoverBlockTracker`).
    func noteFailoverBlock(_ decision: Decision) {
        guard let kind = failoverBlock.observe(decision) else { return }
        events?.record(.failoverBlocked, .error, decision.summary, data: ["reason": kind])
    }

    func recordEvents(for decision: Decision) {
        guard let events else { return }
        let message = decision.summary
        switch decision.action {
        case .acquireLease(_, let takeover, _, let timeline):
            let failover = takeover == .promote
            events.record(
                .leaseAcquired, failover ? .warning : .info, message,
                data: ["takeover": takeover.rawValue, "timeline": "\(timeline)"])
            switch takeover {
            case .promote:
                var data = ["timeline": "\(timeline)"]
                if let lastFailoverDuration { data["failover_seconds"] = "\(lastFailoverDuration.seconds)" }
                events.record(.primaryPromoted, .warning, message, data: data)
            case .unfence:
                events.record(.primaryUnfenced, .info, message)
            }
        case .promote:
            events.record(.primaryPromoted, .warning, message)
        case .fenceSelf:
            events.record(.primaryFenced, .warning, message)
        case .unfenceSelf(.holdingLease):
            events.record(.primaryUnfenced, .info, message)
        case .follow(let leader, let reason):
            switch reason {
            case .demote:
                events.record(.primaryDemoted, .warning, message, data: ["leader": leader])
            case .diverged(let timeline, let leaderTimeline):
                events.record(
                    .timelineDiverged, .warning, message,
                    data: ["leader": leader, "timeline": "\(timeline)", "leader_timeline": "\(leaderTimeline)"])
            case .repoint:
                break
            }
            switch lastFollow {
            case .rewound?:
                events.record(.replicaRewound, .info, "rewound onto \(leader)'s timeline", data: ["leader": leader])
            case .rebuilt?:
                events.record(
                    .replicaRebuilt, .warning, "rebuilt from a fresh base backup of \(leader)", data: ["leader": leader]
                )
            case .unchanged?, .repointed?, nil:
                break
            }
        case .repairInPlace(let restart, _):
            events.record(.postgresRestarted, .warning, message, data: ["attempt": "\(restart)"])
        case .releaseLease(.handover(let target, _)):
            events.record(.leaseLost, .info, message, data: ["reason": "handover", "target": target ?? ""])
        case .releaseLease(.postgresCannotRecover(_, let restarts)):
            events.record(
                .leaseLost, .error, message, data: ["reason": "postgres cannot recover", "restarts": "\(restarts)"])
        case .renewLease, .unfenceSelf(.replicaReads), .awaitCatchUp,
            .updateSynchronousStandbys, .finishShutdown, .noAction:
            break
        }
    }
}

/// Carries the follow step's outcome out of its deadline-bounded closure.
final class FollowRecord: Sendable {
    private let outcome = Mutex<FollowOutcome?>(nil)

    func set(_ value: FollowOutcome?) { outcome.withLock { $0 = value } }
    var value: FollowOutcome? { outcome.withLock { $0 } }
}
