import Postgres

/// Guards 5–8: members without a fresh lease.
extension FailoverPolicy {
    /// The lease names us but we hold no fresh tenure (a sidecar restart, a renew deadline that
    /// passed, a write whose answer was lost). Renewing is a compare-and-swap on the version we
    /// read: if anyone took the lease since, it fails and nothing else happens.
    static func reclaimNamedLease(_ context: DecisionContext) -> Decision? {
        guard !context.holdsLease, context.namedHolder == context.me,
            let precondition = context.memory.lease.precondition
        else { return nil }
        let steps: [Step] = [
            .writeLease(LeaseWrite(.renew, precondition: precondition)), .publishStatus(context.status()),
        ]
        let wake = context.apiFailingFor == nil ? context.soon : context.nextRetry
        return context.decision(.renewLease(.reclaiming), steps, wakeAt: wake)
    }

    /// PostgreSQL is down and we hold no lease: restart it, fenced first. It may have crashed as
    /// an unfenced primary, and without the lease it must not come back writable.
    static func restartLocalPostgres(_ context: DecisionContext) -> Decision? {
        guard context.local == .down else { return nil }
        let restarts = context.memory.repair?.restarts ?? 0
        let steps: [Step] = [
            .publishStatus(context.status()), .fence(.notLeaseHolder(holder: context.namedHolder)), .restartPostgres,
        ]
        return context.decision(.repairInPlace(restart: restarts + 1, of: nil), steps)
    }

    static func waitForLocalPostgres(_ context: DecisionContext) -> Decision? {
        guard context.snapshot == nil else { return nil }
        return context.decision(
            .noAction(.postgresBusy(context.local.memberRole)), [.publishStatus(context.status())],
            wakeAt: context.memberWake())
    }

    static func waitForLease(_ context: DecisionContext) -> Decision? {
        guard context.memory.lease == .unknown else { return nil }
        return context.decision(.noAction(.leaseUnknown), [])
    }

    /// Someone else holds a lease that is still valid for us: be its replica.
    static func followLeaseHolder(_ context: DecisionContext) -> Decision? {
        guard let view = context.leaseView, let holder = view.holder, holder != context.me,
            !view.isExpired(at: context.now), let snapshot = context.snapshot
        else { return nil }
        let wake = context.memberWake()
        let publish = Step.publishStatus(context.status())
        guard let leader = context.memory.peers[holder]?.status else {
            return context.decision(.noAction(.leaderNotVisible(holder)), [publish], wakeAt: wake)
        }
        // pg_rewind and pg_basebackup need a running primary to copy from.
        let leaderReady = leader.role == .primary && leader.healthy
        let reason: FollowReason?
        switch snapshot.role {
        case .primary:
            reason = .demote
        case .replica:
            if snapshot.upstream != holder {
                reason = .repoint(from: snapshot.upstream)
            } else if !snapshot.streaming && leader.timeline > snapshot.timeline {
                reason = .diverged(timeline: snapshot.timeline, leaderTimeline: leader.timeline)
            } else {
                reason = nil
            }
        }
        if let reason {
            guard leaderReady else {
                return context.decision(.noAction(.waitingForLeader(holder)), [publish], wakeAt: wake)
            }
            return context.decision(
                .follow(leader: holder, because: reason), [publish, .follow(leader: holder), .labelPod(.replica)],
                wakeAt: wake)
        }
        if snapshot.fenced {
            return context.decision(
                .unfenceSelf(.replicaReads), [publish, .unfence, .labelPod(.replica)], wakeAt: wake)
        }
        return context.decision(.noAction(.following(leader: holder)), [publish, .labelPod(.replica)], wakeAt: wake)
    }

    /// The lease is free for us: expired by our clock, released, or absent. Take it if we are
    /// the best candidate (`CandidateSelection`, which also explains why racing is safe).
    static func runForLease(_ context: DecisionContext) -> Decision {
        guard let snapshot = context.snapshot else {
            return context.decision(.noAction(.postgresBusy(context.local.memberRole)), [])
        }
        if let failingFor = context.apiFailingFor {
            return context.decision(.noAction(.apiUnreachable(failingFor: failingFor)), [])
        }
        let publish = Step.publishStatus(context.status())
        // A missing lease object while some member reports itself primary may mean the object was
        // deleted under a live holder: give that holder a full lease duration to notice and fence.
        // A fresh cluster has no such member and bootstraps at once.
        if case .absent(let since) = context.memory.lease,
            context.memory.peers.values.contains(where: { $0.status.role == .primary })
        {
            let until = since + context.configuration.leaseDuration
            if context.now < until {
                return context.decision(
                    .noAction(.waitingForAbsentLease(remaining: context.now.duration(to: until))), [publish],
                    wakeAt: min(until, context.nextRetry))
            }
        }
        switch CandidateSelection(context: context).eligibility() {
        case .ineligible(let reason):
            return context.decision(.noAction(.ineligible(reason)), [publish], wakeAt: context.memberWake())
        case .eligible:
            guard let precondition = context.memory.lease.precondition else {
                return context.decision(.noAction(.leaseUnknown), [])
            }
            let takeover: Takeover = snapshot.role == .replica ? .promote : .unfence
            var steps: [Step] = [publish, .writeLease(LeaseWrite(.acquire, precondition: precondition))]
            if takeover == .promote { steps.append(.promote) }
            if snapshot.fenced { steps.append(.unfence) }
            steps.append(.labelPod(.primary))
            return context.decision(
                .acquireLease(
                    precondition, then: takeover, position: snapshot.walPosition, timeline: snapshot.timeline),
                steps, wakeAt: context.soon)
        }
    }
}
