import Postgres

/// Guard 4: we hold a fresh lease. Every plan renews first (Patroni's rule against split-brain:
/// the leader updates the lock before anything else), so everything after the renewal runs only
/// once the lease is ours for another `renewDeadline`.
extension FailoverPolicy {
    /// The holder's plan: failsafe confirmations while the API server fails, renew, publish, then
    /// `extra`, then the label. Nil if we cannot name the version to renew (never for a holder).
    static func holderPlan(
        _ context: DecisionContext, _ extra: [Step], label: RoleLabel?, claim: [String]? = nil
    ) -> [Step]? {
        guard let precondition = context.memory.lease.precondition else { return nil }
        var steps: [Step] = []
        if context.configuration.failsafeMode == .on && context.memory.api.failingSince != nil {
            steps.append(.confirmPrimaryWithPeers)
        }
        steps.append(.writeLease(LeaseWrite(.renew, precondition: precondition)))
        steps.append(.publishStatus(context.status(claim: claim)))
        steps += extra
        if let label { steps.append(.labelPod(label)) }
        return steps
    }

    /// PostgreSQL crashed under the holder: restart it in place while keeping the lease (a crash
    /// costs a restart, not a failover); release only once the repair budget is spent. Releasing
    /// fences first: should PostgreSQL come back after all, it comes back fenced.
    static func holderWithPostgresNotRunning(_ context: DecisionContext) -> Decision? {
        guard context.holdsLease, context.snapshot == nil else { return nil }
        let configuration = context.configuration
        let repair = context.memory.repair ?? RepairProgress(downSince: context.now, restarts: 0)
        let downFor = repair.downSince.duration(to: context.now)
        let exhausted =
            downFor >= configuration.primaryRepairTimeout
            || (context.local == .down && repair.restarts >= configuration.maxPrimaryRestarts)
        if exhausted, let precondition = context.memory.lease.precondition {
            var status = context.status()
            status.fenced = true
            let steps: [Step] = [
                .fence(.beforeRelease), .writeLease(LeaseWrite(.release, precondition: precondition)),
                .publishStatus(status), .labelPod(.replica),
            ]
            return context.decision(
                .releaseLease(.postgresCannotRecover(downFor: downFor, restarts: repair.restarts)), steps)
        }
        if context.local == .down, let steps = holderPlan(context, [.restartPostgres], label: nil) {
            return context.decision(
                .repairInPlace(restart: repair.restarts + 1, of: configuration.maxPrimaryRestarts), steps,
                wakeAt: context.holderWake())
        }
        guard let steps = holderPlan(context, [], label: nil) else { return nil }
        return context.decision(
            .renewLease(.waitingForPostgres(context.local.memberRole)), steps, wakeAt: context.holderWake())
    }

    /// We hold the lease but promised a failsafe primary not to take over: keep the lease, do not
    /// promote or unfence until the promise ends (that primary is fenced by then).
    static func holderBoundByPromise(_ context: DecisionContext) -> Decision? {
        guard context.holdsLease, !context.local.isWritable, context.memory.isBoundByFailsafePromise(at: context.now),
            let promise = context.memory.failsafe.promise, let steps = holderPlan(context, [], label: nil)
        else { return nil }
        return context.decision(
            .renewLease(.boundByPromise(to: promise.primary)), steps, wakeAt: context.holderWake(promise.until))
    }

    /// We took the lease as a replica: promote now (and lift a fence left from boot).
    static func holderWithReplica(_ context: DecisionContext) -> Decision? {
        guard context.holdsLease, let snapshot = context.snapshot, snapshot.role == .replica,
            let steps = holderPlan(context, [.promote] + (snapshot.fenced ? [.unfence] : []), label: .primary)
        else { return nil }
        return context.decision(.promote, steps, wakeAt: context.holderWake(context.soon))
    }

    /// A fenced primary with a fresh lease: this is the only place a primary is unfenced, and it
    /// runs only after this cycle's renewal succeeded.
    static func holderFenced(_ context: DecisionContext) -> Decision? {
        guard context.holdsLease, let snapshot = context.snapshot, snapshot.role == .primary, snapshot.fenced,
            let steps = holderPlan(context, [.unfence], label: .primary)
        else { return nil }
        return context.decision(.unfenceSelf(.holdingLease), steps, wakeAt: context.holderWake(context.soon))
    }

    /// One step of the synchronous standby protocol, if one is due.
    static func holderTendingSynchronousStandby(_ context: DecisionContext) -> Decision? {
        guard context.holdsLease, let snapshot = context.snapshot, snapshot.role == .primary,
            let step = SynchronousReplicationPlanner.nextStep(
                mode: context.configuration.synchronousMode, snapshot: snapshot,
                confirmedClaim: context.memory.ownPublication?.synchronousStandbys ?? [],
                possibleClaims: context.memory.possibleClaims, change: context.memory.synchronousChange)
        else { return nil }
        let steps: [Step]?
        switch step {
        case .retract: steps = holderPlan(context, [], label: .primary, claim: [])
        case .configure(let names): steps = holderPlan(context, [.setSynchronousStandbys(names)], label: .primary)
        case .claim(let names, _): steps = holderPlan(context, [], label: .primary, claim: names)
        }
        guard let steps else { return nil }
        return context.decision(.updateSynchronousStandbys(step), steps, wakeAt: context.holderWake(context.soon))
    }

    /// The healthy primary's routine: renew and carry on.
    static func holderLeading(_ context: DecisionContext) -> Decision? {
        guard context.holdsLease, let steps = holderPlan(context, [], label: .primary) else { return nil }
        var renewal = Renewal.leading
        if let failingFor = context.apiFailingFor {
            let renewedUntil = context.memory.tenure.map { $0.startedAt + context.configuration.renewDeadline }
            if let renewedUntil, context.now >= renewedUntil {
                renewal = .keptByFailsafe(confirmedBy: context.memory.failsafeRoster)
            } else {
                renewal = .renewalsFailing(failingFor: failingFor)
            }
        }
        return context.decision(.renewLease(renewal), steps, wakeAt: context.holderWake())
    }
}
