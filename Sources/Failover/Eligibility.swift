public import Postgres

/// Whether this member may take the lease now that it is free for us.
public enum Eligibility: Equatable, Sendable {
    case eligible
    case ineligible(IneligibilityReason)
}

/// Every disqualification carries its facts, so the summary (and the log) says exactly why.
public enum IneligibilityReason: Equatable, Sendable {
    case postgresNotReady(MemberRole)
    case failsafePromise(to: String)
    case notSynchronousStandby(claimedBy: String?, claim: [String])
    case timelineBehind(peer: String, peerTimeline: Int, ours: Int)
    case lagging(behindBytes: UInt64, limit: Int, reference: String)
    case primaryStillAlive(String)
    case peerAhead(String, LSN)
}

/// Candidate selection (Patroni's `_is_healthiest_node`): guards in a fixed order, the first that
/// disqualifies wins.
///
/// **Simultaneous candidates are safe.** Two members may each conclude they are the best
/// candidate: their views of each other's statuses can be a cycle apart. Both then try to
/// acquire the lease with a compare-and-swap on the same `resourceVersion`; the store accepts
/// exactly one write, the other gets `.conflict` and promotes nothing, because `promote` runs
/// only after a successful acquisition. The ordering below only makes the *best* member the
/// likely winner; safety never depends on it.
struct CandidateSelection {
    let context: DecisionContext

    func eligibility() -> Eligibility {
        for rule in [postgresReady, failsafePromise, timeline, synchronousClaim, lag, previousPrimary, peersAhead] {
            if let reason = rule() { return .ineligible(reason) }
        }
        return .eligible
    }

    private var memory: SidecarMemory { context.memory }
    private var configuration: FailoverConfiguration { context.configuration }

    private func postgresReady() -> IneligibilityReason? {
        context.snapshot == nil ? .postgresNotReady(context.local.memberRole) : nil
    }

    private func failsafePromise() -> IneligibilityReason? {
        guard memory.isBoundByFailsafePromise(at: context.now), let promise = memory.failsafe.promise else {
            return nil
        }
        return .failsafePromise(to: promise.primary)
    }

    /// A member on a newer timeline saw a promotion we did not follow: taking over from an older
    /// timeline would discard that primary's writes. Statuses of any age count, since a timeline
    /// never goes back.
    private func timeline() -> IneligibilityReason? {
        guard let snapshot = context.snapshot else { return nil }
        let newer = memory.peers.values.map(\.status).filter { $0.timeline > snapshot.timeline }
        guard let peer = newer.max(by: { ($0.timeline, $1.member) < ($1.timeline, $0.member) }) else { return nil }
        return .timelineBehind(peer: peer.member, peerTimeline: peer.timeline, ours: snapshot.timeline)
    }

    /// Synchronous mode: only the standby the last primary vouched for holds every acknowledged
    /// commit. That includes a candidate that is itself a (fenced) primary: if the lease passed to
    /// someone else since, that member may have promoted and acknowledged commits on a timeline
    /// this candidate never saw, before it could publish anything.
    ///
    /// If the lease was last ours (we released it), we need nobody's word: either we promoted and
    /// the commits are our own, or our server is still a replica and we never promoted (a
    /// promoted server becomes a replica again only by following a newer holder), in which case
    /// we took the lease as the standby the primary before us vouched for, and that primary has
    /// been fenced since. The primary of a cluster that never had a holder needs no word either.
    private func synchronousClaim() -> IneligibilityReason? {
        guard configuration.synchronousMode == .on, let snapshot = context.snapshot else { return nil }
        let lastHolder = context.namedHolder ?? context.leaseView?.record.releasedBy
        if lastHolder == context.me { return nil }
        guard let source = context.previousPrimaryStatus else {
            return snapshot.role == .primary && lastHolder == nil
                ? nil : .notSynchronousStandby(claimedBy: lastHolder, claim: [])
        }
        if source.member == context.me && snapshot.role == .primary { return nil }
        let claim = source.synchronousStandbys
        return claim.contains(context.me) ? nil : .notSynchronousStandby(claimedBy: source.member, claim: claim)
    }

    /// Asynchronous mode: refuse if we are too far behind the newest position any member on our
    /// timeline published (normally the old primary's last report).
    private func lag() -> IneligibilityReason? {
        guard configuration.synchronousMode == .off, let snapshot = context.snapshot else { return nil }
        let sameTimeline = memory.peers.values.map(\.status).filter { $0.timeline == snapshot.timeline }
        guard let reference = sameTimeline.max(by: { $0.walPosition < $1.walPosition }) else { return nil }
        let behind = reference.walPosition.bytes(since: snapshot.walPosition)
        guard behind > UInt64(configuration.maxLagOnFailover) else { return nil }
        return .lagging(behindBytes: behind, limit: configuration.maxLagOnFailover, reference: reference.member)
    }

    /// The old primary still publishes as a healthy, unfenced primary: its renewals fail but it
    /// has not fenced yet. Its own deadline fences it before our lease view could expire, so
    /// waiting costs nothing in the normal case and adds a margin if clocks misbehave.
    private func previousPrimary() -> IneligibilityReason? {
        guard let status = context.previousPrimaryStatus, status.member != context.me,
            let view = memory.peers[status.member], view.age(at: context.now) < configuration.memberStatusTimeout,
            status.role == .primary, status.healthy, !status.fenced
        else { return nil }
        return .primaryStillAlive(status.member)
    }

    /// Asynchronous mode: a fresh, healthy replica on our timeline that is further ahead (or as
    /// far, with a smaller name) should win instead. In synchronous mode the claim names one.
    private func peersAhead() -> IneligibilityReason? {
        guard configuration.synchronousMode == .off, let snapshot = context.snapshot else { return nil }
        let ours = (snapshot.walPosition, context.me)
        for view in memory.peers.values.sorted(by: { $0.status.member < $1.status.member }) {
            let status = view.status
            guard view.age(at: context.now) < configuration.memberStatusTimeout, status.healthy,
                status.role == .replica, status.timeline == snapshot.timeline
            else { continue }
            if status.walPosition > ours.0 || (status.walPosition == ours.0 && status.member < ours.1) {
                return .peerAhead(status.member, status.walPosition)
            }
        }
        return nil
    }
}
