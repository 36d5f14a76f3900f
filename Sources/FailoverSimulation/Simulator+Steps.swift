import Failover
import Postgres

/// What each step does to the simulated world, and the supervisor's side of things.
extension Simulator {
    /// Applies a finished step and reports its outcome to the sidecar's memory. Returns whether
    /// it succeeded.
    func completeStep(_ node: Int, _ step: Step) -> Bool {
        let now = localNow(node)
        let operation = nodes[node].sidecar.operation
        switch step {
        case .writeLease(let write):
            var outcome = LeaseWriteOutcome.failed
            if case .lease(let answer) = operation?.outcome { outcome = answer }
            let wasFailing = nodes[node].sidecar.memory.api.failingSince != nil
            nodes[node].sidecar.memory.leaseWriteFinished(
                write, startedAt: operation?.startedAt ?? now, outcome: outcome, at: now)
            switch outcome {
            case .written:
                if write.intent == .renew && wasFailing && nodes[node].postgres.isWritable {
                    statistics.mark(.renewalFailuresRiddenOut)
                }
                return true
            case .conflict:
                if write.intent == .acquire { statistics.mark(.lostLeaseRace) }
                note(node, "lost the compare-and-swap for a lease \(write.intent.rawValue)")
                return false
            case .failed:
                return false
            }
        case .publishStatus(let status):
            if case .published(true) = operation?.outcome {
                nodes[node].sidecar.memory.statusPublished(status, at: now)
            } else {
                nodes[node].sidecar.memory.statusPublicationFailed(status, at: now)
            }
            return true
        case .labelPod:
            return true
        case .fence:
            // The fence lives in pg_hba.conf, so it takes even while PostgreSQL is down.
            nodes[node].postgres.fenced = true
            return true
        case .unfence:
            guard nodes[node].postgres.state == .running else { return false }
            nodes[node].postgres.fenced = false
            return true
        case .promote:
            return promote(node)
        case .follow(let leader):
            guard let leaderIndex = index(of: leader), nodes[node].postgres.brokenBy == 0 else { return false }
            startRebuild(node, following: leaderIndex)
            return true
        case .restartPostgres:
            guard nodes[node].postgres.state == .down else { return true }
            nodes[node].sidecar.memory.postgresRestartRequested(at: now)
            startPostgres(node)
            return true
        case .setSynchronousStandbys(let names):
            guard nodes[node].postgres.state == .running, nodes[node].postgres.role == .primary else { return false }
            nodes[node].postgres.synchronousStandbyNames = names
            nodes[node].sidecar.memory.synchronousStandbysConfigured(
                names, atLSN: LSN(rawValue: nodes[node].postgres.position.lsn))
            return true
        case .confirmPrimaryWithPeers:
            nodes[node].sidecar.memory.failsafeRoundFinished(
                startedAt: operation?.startedAt ?? now, confirmedBy: operation?.confirmedBy ?? [])
            return true
        }
    }

    /// pg_promote: checks what the new primary holds, then branches a new timeline.
    private func promote(_ node: Int) -> Bool {
        let postgres = nodes[node].postgres
        guard postgres.state == .running, postgres.role == .replica else { return false }
        let before = postgres.position
        let missing = history.acknowledgedWritesMissing(at: before)
        if options.synchronousMode == .on && !missing.isEmpty {
            fail(
                .safety,
                "\(nodes[node].name) was promoted at \(before) without acknowledged writes "
                    + missing.map { "tl\($0.timeline): \($0.bytes) bytes" }.joined(separator: ", "))
            return false
        }
        statistics.lostAcknowledgedBytes += missing.reduce(0) { $0 + $1.bytes }
        let timeline = history.branch(from: before)
        nodes[node].postgres.role = .primary
        nodes[node].postgres.position = WALPoint(timeline: timeline, lsn: before.lsn)
        nodes[node].postgres.upstream = nil
        nodes[node].postgres.streaming = false
        nodes[node].postgres.synchronousStandbyNames = []
        statistics.promotions += 1
        statistics.mark(.promoted)
        note(node, "promoted at \(before), now on timeline \(timeline)")
        return true
    }

    func startRebuild(_ node: Int, following leader: Int) {
        nodes[node].postgres.state = .rebuilding(leader: leader)
        nodes[node].postgres.generation += 1
        nodes[node].postgres.streaming = false
        queue.schedule(
            .postgresSettled(node: node, generation: nodes[node].postgres.generation),
            at: time + draw(options.rebuildLatency))
    }

    func startPostgres(_ node: Int) {
        nodes[node].postgres.state = .starting
        nodes[node].postgres.generation += 1
        queue.schedule(
            .postgresSettled(node: node, generation: nodes[node].postgres.generation),
            at: time + draw(options.restartLatency))
    }

    func crashPostgres(_ node: Int) {
        nodes[node].postgres.state = .down
        nodes[node].postgres.generation += 1
        nodes[node].postgres.streaming = false
    }

    func postgresSettled(_ node: Int, generation: Int) {
        guard nodes[node].podAlive, nodes[node].postgres.generation == generation else { return }
        switch nodes[node].postgres.state {
        case .starting:
            guard nodes[node].postgres.brokenBy == 0 else {
                nodes[node].postgres.state = .down
                return
            }
            nodes[node].postgres.state = .running
            // The supervisor's start rule: fenced unless its watchdog allows writes right now.
            let allowed = nodes[node].postgres.writableUntil.map { localNow(node) < $0 } ?? false
            if !allowed { nodes[node].postgres.fenced = true }
            let deadline = nodes[node].sidecar.memory.tenureDeadline
            if nodes[node].postgres.role == .primary, let deadline, localNow(node) < deadline {
                statistics.mark(.restartedInPlace)
            }
        case .rebuilding(let leader):
            let source = nodes[leader]
            guard nodes[node].postgres.brokenBy == 0, source.podAlive, source.postgres.state == .running,
                source.postgres.role == .primary, linked(node, leader)
            else {
                nodes[node].postgres.state = .down
                return
            }
            var position = nodes[node].postgres.position
            if !history.holds(position, at: source.postgres.position) {
                position = history.commonPoint(position, source.postgres.position)
                statistics.mark(.rewound)
                note(node, "rewound from \(nodes[node].postgres.position) to \(position) to follow \(source.name)")
            }
            nodes[node].postgres.position = position
            nodes[node].postgres.role = .replica
            nodes[node].postgres.upstream = leader
            nodes[node].postgres.synchronousStandbyNames = []
            nodes[node].postgres.state = .running
        case .running, .down:
            break
        }
    }

    // MARK: The supervisor's watchdog

    /// Hands the sidecar's latest `writableUntil` to the supervisor (it only ever extends).
    func armWatchdog(_ node: Int) {
        guard let until = nodes[node].sidecar.memory.writableUntil else { return }
        if let current = nodes[node].postgres.writableUntil, current >= until { return }
        nodes[node].postgres.writableUntil = until
        queue.schedule(.watchdog(node: node), at: nodes[node].clock.time(reading: until))
    }

    func watchdogChecked(_ node: Int) {
        guard nodes[node].podAlive, nodes[node].postgres.isWritable else { return }
        if let until = nodes[node].postgres.writableUntil, localNow(node) < until { return }
        nodes[node].postgres.fenced = true
        statistics.mark(.watchdogFenced)
        note(node, "supervisor watchdog: writable time ran out, PostgreSQL stopped taking writes")
    }
}
