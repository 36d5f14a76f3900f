import Postgres

/// The primary's synchronous standby protocol: which standby PostgreSQL waits for
/// (`synchronous_standby_names`, "configured") and which standby the primary *vouches for* in its
/// published status (the "claim"). A replica may be promoted in synchronous mode only if the last
/// primary's claim names it (`CandidateSelection`).
///
/// **Invariant:** every claim the store may hold for us is either empty or equal to the
/// configured names, and a non-empty claim was published only after that standby had confirmed
/// all WAL up to the point where it became the synchronous standby. So the claimed standby holds
/// every commit the primary ever acknowledged: commits before the change lie below `atLSN`, which
/// it flushed; commits after it waited for its flush.
///
/// To move from standby A to B (or to none) the primary therefore (1) retracts its claim and
/// waits until the store confirms, (2) configures B and records the WAL position right after,
/// (3) once B is synchronous and has flushed past that position, claims B. Between (1) and (3)
/// no replica may be promoted: a failover then waits for the old primary instead of losing
/// acknowledged commits (Patroni's synchronous mode makes the same trade).
///
/// Why a stale read of an old claim cannot hurt: configured names change only in a cycle whose
/// renewal just succeeded, i.e. after a new lease version. A candidate that read an old claim
/// acquires with a compare-and-swap on the version it read; if the primary renewed since, that
/// fails, and if the candidate won, the primary never renewed, so it never changed the names.
/// Publications carry growing sequence numbers and the store keeps the highest, so a delayed
/// write cannot resurrect a retracted claim; a publication that failed counts as possible until
/// a read shows a newer one (`SidecarMemory.possibleClaims`).
enum SynchronousReplicationPlanner {
    static func nextStep(
        mode: SynchronousMode, snapshot: PostgresSnapshot, confirmedClaim: [String], possibleClaims: [[String]],
        change: SynchronousChange?
    ) -> SynchronousStep? {
        let configured = snapshot.synchronousStandbyNames
        let claims = possibleClaims.filter { !$0.isEmpty }
        if let stray = claims.first(where: { $0 != configured }) { return .retract(claim: stray) }
        let desired = mode == .on ? desiredStandbys(snapshot, claimed: claims.first ?? []) : []
        if configured != desired {
            if let claim = claims.first { return .retract(claim: claim) }
            return .configure(desired)
        }
        guard let standby = desired.first, confirmedClaim != desired else { return nil }
        // Without a record of when the names took effect (e.g. after a sidecar restart), set them
        // again to learn a position from which the standby is known to hold everything.
        guard let change, change.names == desired else { return .configure(desired) }
        guard let progress = snapshot.standbys.first(where: { $0.member == standby }), progress.streaming,
            progress.synchronous, progress.flushLSN >= change.atLSN
        else { return nil }
        return .claim(desired, caughtUpTo: change.atLSN)
    }

    /// Keep the current standby while it streams (no flapping); otherwise the most advanced
    /// streaming standby, ties to the smaller name; none if nobody streams (PostgreSQL then
    /// acknowledges commits without waiting, and no replica may be promoted).
    static func desiredStandbys(_ snapshot: PostgresSnapshot, claimed: [String]) -> [String] {
        let streaming = snapshot.standbys.filter(\.streaming)
        func streams(_ name: String) -> Bool { streaming.contains { $0.member == name } }
        if let current = claimed.first, streams(current) { return [current] }
        let configured = snapshot.synchronousStandbyNames
        if configured.count == 1, let name = configured.first, name != "*", streams(name) { return [name] }
        guard let best = FailoverPolicy.bestStandby(streaming) else { return [] }
        return [best.member]
    }
}
