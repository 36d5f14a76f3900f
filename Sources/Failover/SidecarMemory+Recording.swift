public import Postgres

/// The shell reports what happened through these methods, in the order it happened, with the
/// time of its own monotonic clock. They are pure: the real shell and the simulated one share
/// them, so the bookkeeping the safety argument relies on is tested once.
extension SidecarMemory {
    /// Records what the local server looked like and returns this cycle's snapshot.
    public mutating func observe(_ local: LocalPostgres, at now: MonotonicInstant) -> Observation {
        switch local {
        case .running: repair = nil
        case .starting, .rebuilding, .down:
            if repair == nil { repair = RepairProgress(downSince: now, restarts: 0) }
        }
        return Observation(memory: self, local: local)
    }

    /// A successful read of the lease (`lease` nil: the object does not exist) together with all
    /// member statuses. The two are recorded together or not at all: a candidate must never weigh
    /// a fresh lease against statuses from an earlier cycle (the synchronous standby claim it
    /// relies on may have been retracted since). If either read fails, report `apiCallFailed`.
    public mutating func clusterRead(lease record: LeaseRecord?, statuses: [MemberStatus], at now: MonotonicInstant) {
        statusesRead(statuses, at: now)
        leaseRead(record, at: now)
    }

    mutating func leaseRead(_ record: LeaseRecord?, at now: MonotonicInstant) {
        apiCallSucceeded(at: now)
        lease = lease.reading(record, at: now)
        // Someone else holds it, or nobody: whatever our last write said, we hold nothing now.
        // (Reads are consistent reads from the API server, never from a watch cache.)
        if lease.view?.holder != identity { dropTenure() }
    }

    /// The latest statuses of all members, including our own.
    mutating func statusesRead(_ statuses: [MemberStatus], at now: MonotonicInstant) {
        apiCallSucceeded(at: now)
        for status in statuses {
            if status.member == identity {
                // The store is the truth: a publication we believed failed may have landed.
                if status.sequence >= (ownPublication?.sequence ?? 0) { ownPublication = status }
                if let pending = unconfirmedPublication, status.sequence >= pending.sequence {
                    unconfirmedPublication = nil
                }
            } else if let known = peers[status.member] {
                peers[status.member] = known.observing(status, at: now)
            } else {
                peers[status.member] = PeerView(status: status, observedAt: now)
            }
        }
    }

    public mutating func statusPublished(_ status: MemberStatus, at now: MonotonicInstant) {
        apiCallSucceeded(at: now)
        if status.sequence >= (ownPublication?.sequence ?? 0) { ownPublication = status }
        if let pending = unconfirmedPublication, status.sequence >= pending.sequence { unconfirmedPublication = nil }
    }

    /// A publication whose write failed or timed out: it may land later, so it counts as possible.
    public mutating func statusPublicationFailed(_ status: MemberStatus, at now: MonotonicInstant) {
        apiCallFailed(at: now)
        if status.sequence > (latestPublication?.sequence ?? 0) { unconfirmedPublication = status }
    }

    /// Any API call that failed or timed out (a lease write reports through `leaseWriteFinished`).
    public mutating func apiCallFailed(at now: MonotonicInstant) {
        if api.failingSince == nil { api.failingSince = now }
    }

    /// Call right before sending a lease write. Returns false when the write must not be sent:
    /// an acquisition while we have promised a failsafe primary not to take over.
    public mutating func leaseWriteStarted(_ intent: LeaseWrite.Intent, at now: MonotonicInstant) -> Bool {
        if intent == .acquire && isBoundByFailsafePromise(at: now) { return false }
        leaseWriteInFlight = intent
        return true
    }

    /// The outcome of a lease write sent at `startedAt`.
    public mutating func leaseWriteFinished(
        _ write: LeaseWrite, startedAt: MonotonicInstant, outcome: LeaseWriteOutcome, at now: MonotonicInstant
    ) {
        leaseWriteInFlight = nil
        switch outcome {
        case .written(let record):
            apiCallSucceeded(at: now)
            lease = lease.reading(record, at: now)
            switch write.intent {
            case .acquire, .renew:
                // Credit the time we sent it, never a later one (see `Tenure.startedAt`).
                if tenure.map({ startedAt > $0.startedAt }) ?? true {
                    tenure = Tenure(startedAt: startedAt)
                }
            case .release:
                dropTenure()
            }
        case .conflict:
            // Lost the race, or an earlier write of ours landed late. Keep any tenure until a read
            // shows who holds the lease: the shell reads again at once, and the tenure's deadline
            // keeps running meanwhile.
            apiCallSucceeded(at: now)
        case .failed:
            apiCallFailed(at: now)
        }
    }

    /// The end of a failsafe round started at `startedAt`, with the members that confirmed.
    public mutating func failsafeRoundFinished(startedAt: MonotonicInstant, confirmedBy: Set<String>) {
        let roster = failsafeRoster
        let missing = roster.filter { !confirmedBy.contains($0) }
        failsafe.lastRoundMissing = missing
        guard tenure != nil, !roster.isEmpty, missing.isEmpty else { return }
        if failsafe.confirmedRoundStartedAt.map({ startedAt > $0 }) ?? true {
            failsafe.confirmedRoundStartedAt = startedAt
        }
    }

    /// Answers `primary`'s failsafe request received at `now`, and records the promise if we
    /// confirm. We refuse whenever confirming could let two primaries exist: when we hold or are
    /// acquiring the lease, when our own server accepts writes, or when we saw the lease pass to
    /// someone else.
    public mutating func answerFailsafeRequest(
        from primary: String, local: LocalPostgres, at now: MonotonicInstant
    ) -> FailsafeAnswer {
        if configuration.failsafeMode == .off { return .refused(reason: "failsafe mode is off") }
        if tenure != nil { return .refused(reason: "\(identity) holds the lease") }
        if leaseWriteInFlight == .acquire { return .refused(reason: "\(identity) is acquiring the lease") }
        if local.isWritable { return .refused(reason: "\(identity) accepts writes") }
        if let holder = lease.view?.holder, holder != primary {
            return .refused(reason: "\(identity) saw the lease held by \(holder)")
        }
        let until = now + configuration.leaseDuration
        failsafe.promise = FailsafePromise(primary: primary, until: max(until, failsafe.promise?.until ?? until))
        return .confirmed
    }

    public mutating func shutdownRequested(at now: MonotonicInstant) {
        if shutdownRequestedAt == nil { shutdownRequestedAt = now }
    }

    /// The shell asked the supervisor to restart PostgreSQL in place.
    public mutating func postgresRestartRequested(at now: MonotonicInstant) {
        if repair == nil { repair = RepairProgress(downSince: now, restarts: 0) }
        repair?.restarts += 1
    }

    /// `synchronous_standby_names` now lists `names`; `atLSN` is the WAL position read right after.
    public mutating func synchronousStandbysConfigured(_ names: [String], atLSN: LSN) {
        synchronousChange = SynchronousChange(names: names, atLSN: atLSN)
    }

    private mutating func apiCallSucceeded(at now: MonotonicInstant) {
        api.lastSuccessAt = now
        api.failingSince = nil
    }

    private mutating func dropTenure() {
        tenure = nil
        failsafe.confirmedRoundStartedAt = nil
        failsafe.lastRoundMissing = []
    }
}
