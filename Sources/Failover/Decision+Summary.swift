import Postgres

/// One sentence per decision, naming the actor and the reason (Patroni's `_run_cycle` strings).
/// The shell logs it every cycle; the tests use it as their oracle.
extension Action {
    public func summary(member me: String, lease: String) -> String {
        switch self {
        case .renewLease(let renewal): renewal.summary(me, lease)
        case .acquireLease(_, let takeover, let position, let timeline):
            "acquiring lease \(lease) to \(takeover == .promote ? "promote" : "lift the fence"): I am \(me), "
                + "the best eligible member at \(position) on timeline \(timeline)"
        case .fenceSelf(let reason): reason.summary(me, lease)
        case .unfenceSelf(.holdingLease): "lifting the fence: I am \(me), the primary holding lease \(lease)"
        case .unfenceSelf(.replicaReads): "lifting the fence for readers: I am \(me), a replica"
        case .promote: "promoting: I am \(me), holding lease \(lease)"
        case .follow(let leader, .demote):
            "demoting to follow \(leader): I am \(me), a fenced primary without the lease"
        case .follow(let leader, .repoint(let from)):
            "following \(leader): I am \(me), a replica of \(from ?? "nobody"), and \(leader) holds lease \(lease)"
        case .follow(let leader, .diverged(let timeline, let leaderTimeline)):
            "rewinding to follow \(leader): I am \(me), stuck on timeline \(timeline) while \(leader) "
                + "is on \(leaderTimeline)"
        case .repairInPlace(let restart, let budget?):
            "restarting PostgreSQL in place: I am \(me), the primary holding lease \(lease) "
                + "(attempt \(restart) of \(budget))"
        case .repairInPlace(let restart, nil): "restarting PostgreSQL in place: I am \(me) (attempt \(restart))"
        case .awaitCatchUp(let target, let behind):
            "handing over: I am \(me), fenced and shutting down, waiting for \(target) to catch up "
                + "(\(behind) bytes behind)"
        case .releaseLease(.handover(let target?, true)):
            "handing over: I am \(me), shutting down; releasing lease \(lease) to \(target), which has all my WAL"
        case .releaseLease(.handover(let target, _)):
            "handing over: I am \(me), shutting down; releasing lease \(lease) "
                + (target.map { "although \($0) has not caught up" } ?? "with no streaming replica")
        case .releaseLease(.postgresCannotRecover(let downFor, let restarts)):
            "releasing lease \(lease): I am \(me) and PostgreSQL did not come back "
                + "(down \(downFor.secondsText), \(restarts) restarts)"
        case .updateSynchronousStandbys(let step): step.summary(me)
        case .finishShutdown: "shutting down: I am \(me) and hold nothing to hand over"
        case .noAction(let situation): "no action: " + situation.summary(me, lease)
        }
    }
}

extension Renewal {
    func summary(_ me: String, _ lease: String) -> String {
        switch self {
        case .leading: "no action: I am \(me), the primary holding lease \(lease)"
        case .renewalsFailing(let failingFor):
            "no action: I am \(me), the primary holding lease \(lease); the API server has failed "
                + "for \(failingFor.secondsText)"
        case .keptByFailsafe(let members):
            "no action: I am \(me), the primary; the API server is unreachable but "
                + "\(members.joined(separator: ", ")) confirmed me as primary (failsafe)"
        case .reclaiming: "renewing lease \(lease): I am \(me), it still names me, but I hold no fresh renewal"
        case .waitingForPostgres(let role):
            "no action: I am \(me), holding lease \(lease) while PostgreSQL is \(role.rawValue)"
        case .boundByPromise(let primary):
            "no action: I am \(me), holding lease \(lease), but I promised \(primary) not to take over yet (failsafe)"
        }
    }
}

extension FenceReason {
    func summary(_ me: String, _ lease: String) -> String {
        switch self {
        case .renewDeadlinePassed(let deadline):
            "fencing myself: I am \(me) and could not renew lease \(lease) within the "
                + "\(deadline.secondsText) renew deadline"
        case .failsafeUnconfirmed(let missing):
            "fencing myself: I am \(me); the API server is unreachable and \(missing.joined(separator: ", ")) "
                + "did not confirm me as primary (failsafe)"
        case .notLeaseHolder(let holder?):
            "fencing myself: I am \(me), a writable primary, but lease \(lease) is held by \(holder)"
        case .notLeaseHolder(nil): "fencing myself: I am \(me), a writable primary without lease \(lease)"
        case .handover: "fencing myself for handover: I am \(me), the primary, shutting down"
        case .beforeRelease: "fencing myself: I am \(me) and give up lease \(lease)"
        }
    }
}

extension SynchronousStep {
    func summary(_ me: String) -> String {
        switch self {
        case .retract(let claim):
            "retracting synchronous standby \(claim.joined(separator: ", ")): I am \(me), the primary; "
                + "no replica may be promoted until the next one has caught up"
        case .configure([]):
            "clearing synchronous_standby_names: I am \(me), the primary, and no standby is streaming"
        case .configure(let names):
            "setting synchronous_standby_names to \(names.joined(separator: ", ")): I am \(me), the primary"
        case .claim(let names, let position):
            "naming \(names.joined(separator: ", ")) synchronous standby: I am \(me), the primary, "
                + "and it holds all WAL up to \(position)"
        }
    }
}

extension Situation {
    func summary(_ me: String, _ lease: String) -> String {
        switch self {
        case .following(let leader): "I am \(me), a replica following \(leader), which holds lease \(lease)"
        case .ineligible(let reason): "I am \(me) and cannot be promoted: " + reason.summary
        case .leaseUnknown: "I am \(me) and have not read lease \(lease) yet"
        case .apiUnreachable(let failingFor):
            "I am \(me) and cannot reach the API server (for \(failingFor.secondsText))"
        case .postgresBusy(let role): "I am \(me) and PostgreSQL is \(role.rawValue)"
        case .waitingForLeader(let leader): "I am \(me), waiting for \(leader) to run as primary before following it"
        case .waitingForAbsentLease(let remaining):
            "I am \(me); lease \(lease) is missing while a member reports itself primary, "
                + "waiting \(remaining.secondsText) before creating it"
        case .leaderNotVisible(let leader): "I am \(me); \(leader) holds lease \(lease) but has published no status"
        }
    }
}

extension IneligibilityReason {
    public var summary: String {
        switch self {
        case .postgresNotReady(let role): "PostgreSQL is \(role.rawValue)"
        case .failsafePromise(let primary): "I promised \(primary) not to take over (failsafe)"
        case .notSynchronousStandby(let claimer?, []): "\(claimer) named no synchronous standby"
        case .notSynchronousStandby(let claimer?, let claim):
            "not the synchronous standby (\(claimer) named \(claim.joined(separator: ", ")))"
        case .notSynchronousStandby(nil, _): "no primary named a synchronous standby"
        case .timelineBehind(let peer, let peerTimeline, let ours):
            "on timeline \(ours) while \(peer) is on \(peerTimeline)"
        case .lagging(let behind, let limit, let reference):
            "\(behind) bytes behind \(reference), more than the \(limit) allowed"
        case .primaryStillAlive(let primary): "\(primary) still reports itself a writable primary"
        case .peerAhead(let peer, let position): "\(peer) is further ahead (\(position))"
        }
    }
}
