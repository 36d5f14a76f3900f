import Postgres

/// Guards 1–3: leaving, and never being writable without a fresh lease.
extension FailoverPolicy {
    /// The holder's self-fence. Once `now − tenure.startedAt ≥ renewDeadline` (or the failsafe
    /// extension ran out) a still-writable primary fences, which by the margin
    /// `FailoverConfiguration` enforces completes before any peer may see the lease expire. If the
    /// sidecar cannot run this in time (hung or dead), the supervisor's watchdog stops PostgreSQL
    /// at `SidecarMemory.writableUntil`.
    static func fenceAtRenewDeadline(_ context: DecisionContext) -> Decision? {
        guard let deadline = context.tenureDeadline, context.now >= deadline, context.local.isWritable else {
            return nil
        }
        let missing = context.memory.failsafe.lastRoundMissing
        let reason: FenceReason =
            context.configuration.failsafeMode == .on && context.memory.api.failingSince != nil && !missing.isEmpty
            ? .failsafeUnconfirmed(missing: missing)
            : .renewDeadlinePassed(renewDeadline: context.configuration.renewDeadline)
        return context.decision(.fenceSelf(reason), fenceSteps(context, reason))
    }

    /// Writable without any tenure: the lease moved on (we saw another holder) or this sidecar
    /// never held it. Fenced until holding a fresh lease.
    ///
    /// One exception: after a sidecar restart the memory is empty while PostgreSQL may still be
    /// writable and the lease still names us. We then renew first (`reclaimNamedLease`): the
    /// supervisor's watchdog, armed by the previous incarnation, still bounds the writable time,
    /// and a failed renewal leaves the fence to that watchdog or to the next cycle.
    static func fenceWithoutLease(_ context: DecisionContext) -> Decision? {
        guard context.local.isWritable, !context.holdsLease else { return nil }
        if context.memory.tenure == nil && context.namedHolder == context.me { return nil }
        let reason = FenceReason.notLeaseHolder(holder: context.namedHolder)
        return context.decision(.fenceSelf(reason), fenceSteps(context, reason))
    }

    static func fenceSteps(_ context: DecisionContext, _ reason: FenceReason) -> [Step] {
        var status = context.status()
        status.fenced = true
        return [.fence(reason), .publishStatus(status), .labelPod(.replica)]
    }

    /// SIGTERM (Patroni and CNPG release on clean shutdown): fence, let the best replica catch up
    /// (bounded by `handoverTimeout`), vouch for it in synchronous mode, release the lease so it
    /// can take over at once instead of waiting for the lease to expire. Then leave.
    static func handleShutdown(_ context: DecisionContext) -> Decision? {
        guard let requestedAt = context.memory.shutdownRequestedAt else { return nil }
        let responsible = context.holdsLease || context.namedHolder == context.me
        if context.local.isWritable {
            return context.decision(.fenceSelf(.handover), fenceSteps(context, .handover), wakeAt: context.soon)
        }
        guard responsible, let precondition = context.memory.lease.precondition else {
            return context.decision(.finishShutdown, [.publishStatus(context.status()), .labelPod(.replica)])
        }
        var target: StandbyProgress?
        var behind: UInt64 = 0
        if let snapshot = context.snapshot, snapshot.role == .primary {
            target = bestStandby(snapshot.standbys)
            behind = target.map { snapshot.walPosition.bytes(since: $0.flushLSN) } ?? 0
        }
        let inTime = requestedAt.duration(to: context.now) < context.configuration.handoverTimeout
        if let target, behind > 0, inTime {
            var steps: [Step] = context.holdsLease ? [.writeLease(LeaseWrite(.renew, precondition: precondition))] : []
            steps.append(.publishStatus(context.status()))
            return context.decision(
                .awaitCatchUp(target: target.member, behindBytes: behind), steps, wakeAt: context.soon)
        }
        let caughtUp = target != nil && behind == 0
        // Fenced and caught up, the target holds every commit we ever acknowledged: vouch for it
        // before leaving, in a cycle of its own so that the release waits for the claim to land.
        if let target, caughtUp, inTime, context.configuration.synchronousMode == .on,
            context.memory.ownPublication?.synchronousStandbys != [target.member], let position = context.snapshot
        {
            let claim = [target.member]
            return context.decision(
                .updateSynchronousStandbys(.claim(claim, caughtUpTo: position.walPosition)),
                [.publishStatus(context.status(claim: claim))], wakeAt: context.soon)
        }
        // Fence again even if the server looks fenced or down: it may be starting up right now,
        // and after the release no watchdog deadline protects it any more.
        let steps: [Step] = [
            .fence(.handover), .publishStatus(context.status()),
            .writeLease(LeaseWrite(.release, precondition: precondition)), .labelPod(.replica),
        ]
        return context.decision(
            .releaseLease(.handover(to: target?.member, caughtUp: caughtUp)), steps, wakeAt: context.soon)
    }

    /// The most advanced streaming standby; ties go to the smaller name.
    static func bestStandby(_ standbys: [StandbyProgress]) -> StandbyProgress? {
        standbys.filter(\.streaming).max { ($0.flushLSN, $1.member) < ($1.flushLSN, $0.member) }
    }
}
