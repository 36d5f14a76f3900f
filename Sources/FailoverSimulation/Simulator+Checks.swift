import Failover

/// The invariants, checked after every event, and the liveness phase.
extension Simulator {
    /// Never two writable primaries; a writable server is always the lease holder and always
    /// under an armed watchdog. "Writable" counts every unfenced running primary, reachable by
    /// the client or not: the strongest form of the split-brain rule.
    func checkSafety() {
        var writable: [String] = []
        for node in nodes {
            let postgres = node.postgres
            guard node.podAlive, postgres.state == .running, postgres.role == .primary, !postgres.fenced else {
                continue
            }
            writable.append(node.name)
            if node.postgres.writableUntil == nil {
                fail(.safety, "\(node.name) accepts writes without a watchdog deadline")
            }
            if store.lease?.holder != node.name {
                fail(.safety, "\(node.name) accepts writes but the lease names \(store.lease?.holder ?? "nobody")")
            }
        }
        if writable.count > 1 { fail(.safety, "two writable primaries: \(writable.joined(separator: ", "))") }
    }

    /// The fence happens before any peer could see the lease expire: when a member's view of the
    /// current lease record says it expired, its holder must no longer accept writes. (Failsafe
    /// mode is the one exception, and only towards a member bound by its promise to that holder.)
    func checkFenceBeforeExpiry(_ node: Int, _ memory: SidecarMemory, at now: MonotonicInstant) {
        guard let view = memory.lease.view, let holder = view.holder, holder != memory.identity,
            view.isExpired(at: now), store.lease == view.record, let holderIndex = index(of: holder),
            nodes[holderIndex].podAlive, nodes[holderIndex].postgres.isWritable
        else { return }
        if let promise = memory.failsafe.promise, promise.primary == holder, now < promise.until { return }
        fail(.safety, "\(nodes[node].name) saw the lease of \(holder) expire while \(holder) still accepted writes")
    }

    /// Heal every fault, restart what is down, and start the liveness clock.
    func startLivenessPhase() {
        livenessStartedAt = time
        note(nil, "healing all faults: liveness phase, budget \(formatSeconds(livenessBudget))")
        activeFaults.removeAll()
        apiOutageBy = 0
        apiFlakyBy = 0
        for node in nodes.indices {
            nodes[node].apiUnreachableBy = 0
            nodes[node].apiAnswersLostBy = 0
            nodes[node].isolatedBy = 0
            nodes[node].replicationStalledBy = 0
            nodes[node].postgres.brokenBy = 0
            if !nodes[node].podAlive {
                restartPod(node)
            } else if !nodes[node].sidecar.alive {
                restartSidecar(node)
            }
        }
    }

    /// Long enough for every recovery path to finish once: a lease to expire, a pod to finish a
    /// handover and come back, repairs and rebuilds, plus plenty of cycles.
    var livenessBudget: Int64 {
        let lease = options.leaseDuration.microseconds
        return 6 * lease + options.primaryRepairTimeout.microseconds + options.handoverTimeout.microseconds
            + 20 * options.retryPeriod.microseconds + 2 * options.rebuildLatency.upperBound
            + 2 * options.restartLatency.upperBound + 5_000_000
    }

    func checkLiveness() {
        guard let started = livenessStartedAt else { return }
        if isConverged() {
            converged = true
            statistics.convergence = time - started
            note(nil, "converged after \(formatSeconds(time - started))")
        } else if time - started > livenessBudget {
            fail(.liveness, "no convergence \(formatSeconds(livenessBudget)) after healing: \(pending())")
        }
    }

    /// Exactly one writable primary, holding the lease, with every other member its streaming
    /// replica on its history (old primaries rewound, no manual step).
    private func isConverged() -> Bool {
        let writable = nodes.indices.filter { nodes[$0].podAlive && nodes[$0].postgres.isWritable }
        guard writable.count == 1, let primary = writable.first, store.lease?.holder == nodes[primary].name else {
            return false
        }
        return nodes.allSatisfy { node in
            node.index == primary
                || (!node.terminating && isStandby(node.index, of: primary) && node.postgres.streaming
                    && history.holds(node.postgres.position, at: nodes[primary].postgres.position))
        }
    }

    /// What has not converged, member by member (TigerBeetle's `pending()`).
    func pending() -> String {
        let writable = nodes.filter { $0.podAlive && $0.postgres.isWritable }.map(\.name)
        var parts = [
            "writable [\(writable.joined(separator: ", "))], lease held by \(store.lease?.holder ?? "nobody")"
        ]
        for node in nodes {
            let postgres = node.postgres
            let upstream = postgres.upstream.map { nodes[$0].name } ?? "-"
            parts.append(
                "\(node.name): pod \(node.podAlive ? "up" : "down")\(node.terminating ? " terminating" : ""), "
                    + "postgres \(postgres.state) \(postgres.role.rawValue) \(postgres.fenced ? "fenced" : "open") "
                    + "\(postgres.position) upstream \(upstream) \(postgres.streaming ? "streaming" : "not streaming"), "
                    + "sidecar: \(lastDecisions[node.index]?.summary ?? "no decision yet")")
        }
        return parts.joined(separator: "; ")
    }

    // MARK: Marks and trace

    func recordMarks(_ node: Int, _ decision: Decision) {
        switch decision.action {
        case .fenceSelf(.renewDeadlinePassed): statistics.mark(.selfFenceOnRenewDeadline)
        case .fenceSelf(.notLeaseHolder): statistics.mark(.fencedWithoutLease)
        case .fenceSelf(.failsafeUnconfirmed): statistics.mark(.failsafeFencedPrimary)
        case .renewLease(.keptByFailsafe): statistics.mark(.failsafeKeptPrimary)
        case .renewLease(.reclaiming): statistics.mark(.reclaimedOwnLease)
        case .renewLease(.boundByPromise), .noAction(.ineligible(.failsafePromise)):
            statistics.mark(.failsafePromiseHeldBack)
        case .noAction(.ineligible(.lagging)): statistics.mark(.ineligibleLagging)
        case .noAction(.ineligible(.peerAhead)): statistics.mark(.ineligiblePeerAhead)
        case .noAction(.ineligible(.timelineBehind)): statistics.mark(.ineligibleTimelineBehind)
        case .noAction(.ineligible(.notSynchronousStandby)): statistics.mark(.ineligibleNotSynchronous)
        case .noAction(.ineligible(.primaryStillAlive)): statistics.mark(.ineligiblePrimaryAlive)
        case .releaseLease(.postgresCannotRecover): statistics.mark(.releasedAfterRepairBudget)
        case .releaseLease(.handover(_, true)): statistics.mark(.handedOver)
        case .follow(_, .demote): statistics.mark(.demotedOldPrimary)
        case .updateSynchronousStandbys(.claim): statistics.mark(.synchronousStandbyClaimed)
        case .updateSynchronousStandbys(.retract): statistics.mark(.synchronousClaimRetracted)
        default: break
        }
        guard trace != nil else { return }
        let (kind, routine) = Self.kind(of: decision.action)
        if !routine || kind != nodes[node].sidecar.lastTracedKind { note(node, decision.summary) }
        nodes[node].sidecar.lastTracedKind = kind
    }

    /// A payload-free name for an action, and whether it is routine (traced only on change).
    static func kind(of action: Action) -> (String, Bool) {
        switch action {
        case .renewLease(.leading): ("renew", true)
        case .renewLease(.renewalsFailing): ("renew-failing", true)
        case .renewLease(.keptByFailsafe): ("failsafe", true)
        case .renewLease(.waitingForPostgres): ("renew-waiting", true)
        case .renewLease(.boundByPromise): ("renew-promised", true)
        case .renewLease(.reclaiming): ("reclaim", false)
        case .noAction(.following): ("following", true)
        case .noAction(.ineligible(let reason)): ("ineligible \(reason.summary)", true)
        case .noAction(let situation): ("no-action \(situation)", true)
        case .awaitCatchUp: ("await-catch-up", true)
        case .acquireLease: ("acquire", false)
        case .fenceSelf: ("fence", false)
        case .unfenceSelf: ("unfence", false)
        case .promote: ("promote", false)
        case .follow: ("follow", false)
        case .repairInPlace: ("repair", false)
        case .releaseLease: ("release", false)
        case .updateSynchronousStandbys: ("synchronous", false)
        case .finishShutdown: ("finish", false)
        }
    }
}
