import Failover
import Logging
import Postgres
import Supervisor

/// Running a decision's steps, each bounded and each outcome reported to `SidecarMemory`.
extension SidecarShell {
    struct StepOutcome {
        var succeeded: Bool
        /// A lost compare-and-swap: read again at once.
        var conflict = false

        static let success = StepOutcome(succeeded: true)
        static let failure = StepOutcome(succeeded: false)
    }

    func execute(_ decision: Decision) async -> MonotonicInstant {
        log(decision)
        lastDecision = decision
        noteFailoverBlock(decision)
        let freeSince = leaseFreeSince(decision)
        // Whether PostgreSQL may accept writes as the plan goes: as observed, until a step of
        // this plan fences it, promotes it or lifts its fence.
        var mayBeWritable = observation.local.isWritable
        var readAgain = false
        var completed = true
        unfenceHeldBack = false
        lastFollow = nil
        await syncWatchdog()
        for step in decision.steps {
            if mayBeWritable, !isFence(step), tenureEnded() {
                // The tenure ended mid-plan: drop the rest; the next cycle's urgent guard fences.
                completed = false
                readAgain = true
                break
            }
            let outcome = await run(step, deadline: deadline(for: step, mayBeWritable: mayBeWritable))
            if outcome.succeeded {
                switch step {
                case .fence: mayBeWritable = false
                case .promote: mayBeWritable = true
                case .unfence where observation.local.snapshot?.role == .primary: mayBeWritable = true
                default: break
                }
            }
            readAgain = readAgain || outcome.conflict
            await syncWatchdog()
            if !outcome.succeeded {
                completed = false
                if step.gatesLaterSteps { break }
            }
        }
        if completed { noteCompletion(decision, freeSince: freeSince) }
        if decision.action == .finishShutdown { finished = true }
        if readAgain { return clock.now() }
        // A held-back unfence would be planned again at once: wait a normal period instead.
        return unfenceHeldBack
            ? max(decision.wakeAt, boundedByTenure(clock.now() + failover.retryPeriod)) : decision.wakeAt
    }

    func run(_ step: Step, deadline: MonotonicInstant) async -> StepOutcome {
        let node = self.node
        switch step {
        case .writeLease(let write):
            return await writeLease(write, deadline: deadline)
        case .publishStatus(let status):
            return await publish(status, deadline: deadline)
        case .labelPod(let role):
            let cluster = self.cluster
            do {
                try await withDeadline(deadline, clock: clock) { try await cluster.labelPod(role) }
                return .success
            } catch {
                // Labels are for Services, not for the election: not an API outage either.
                logger.debug("pod label not set", metadata: ["pod.role": "\(role.rawValue)", "error": "\(error)"])
                return .failure
            }
        case .fence(let reason):
            return await attempt("fence (\(reason))", deadline) { try await node.fence() }
        case .unfence:
            if let hold = activeSatelliteFence() {
                unfenceHeldBack = true
                logger.info(
                    "unfence held back: the satellite's fence holds",
                    metadata: ["stream.fence_age_seconds": "\(hold.placedAt.duration(to: clock.now()).seconds)"])
                return .failure
            }
            return await attempt("unfence", deadline) { try await node.unfence() }
        case .promote:
            return await attempt("promote", deadline) { try await node.promote() }
        case .follow(let leader):
            guard let source = documents[leader]?.postgres else {
                logger.warning("no address published for the leader", metadata: ["lease.holder": "\(leader)"])
                return .failure
            }
            let timeout = clock.now().duration(to: deadline)
            let outcome = FollowRecord()
            let result = await attempt("follow \(leader)", deadline) {
                outcome.set(try await node.follow(source, timeout: timeout))
            }
            lastFollow = outcome.value
            return result
        case .restartPostgres:
            memory.postgresRestartRequested(at: clock.now())
            let timeout = clock.now().duration(to: deadline)
            return await attempt("restart", deadline) { try await node.restart(timeout: timeout) }
        case .setSynchronousStandbys(let names):
            do {
                let position = try await withDeadline(deadline, clock: clock) {
                    try await node.setSynchronousStandbys(names)
                }
                memory.synchronousStandbysConfigured(names, atLSN: position)
                return .success
            } catch {
                logger.warning("setting synchronous_standby_names failed", metadata: ["error": "\(error)"])
                return .failure
            }
        case .confirmPrimaryWithPeers:
            await confirmWithPeers(deadline: deadline)
            return .success
        }
    }

    private func writeLease(_ write: LeaseWrite, deadline: MonotonicInstant) async -> StepOutcome {
        let startedAt = clock.now()
        guard memory.leaseWriteStarted(write.intent, at: startedAt) else {
            logger.info("lease write held back by a failsafe promise", metadata: ["lease.intent": "\(write.intent)"])
            return .failure
        }
        let record = write.record(
            by: configuration.podName, leaseDuration: failover.leaseDuration, replacing: memory.lease.view?.record,
            at: wallTime())
        let cluster = self.cluster
        let outcome: LeaseWriteOutcome
        do {
            outcome = try await withDeadline(deadline, clock: clock) {
                try await cluster.writeLease(record, precondition: write.precondition)
            }
        } catch {
            logger.info("lease write failed", metadata: ["lease.intent": "\(write.intent)", "error": "\(error)"])
            outcome = .failed
        }
        memory.leaseWriteFinished(write, startedAt: startedAt, outcome: outcome, at: clock.now())
        switch outcome {
        case .written: return .success
        case .conflict: return StepOutcome(succeeded: false, conflict: true)
        case .failed: return .failure
        }
    }

    private func publish(_ status: MemberStatus, deadline: MonotonicInstant) async -> StepOutcome {
        var status = status
        status.publishedAt = wallTime()
        let document = MemberDocument(
            status: status, postgres: configuration.advertisedPostgres,
            statusAddress: configuration.advertisedStatusAddress)
        let cluster = self.cluster
        do {
            let stored = try await withDeadline(deadline, clock: clock) { try await cluster.publish(document) }
            if stored {
                memory.statusPublished(status, at: clock.now())
                documents[status.member] = document
                return .success
            }
        } catch {
            logger.debug("status publication failed", metadata: ["error": "\(error)"])
        }
        memory.statusPublicationFailed(status, at: clock.now())
        return .failure
    }

    private func attempt(
        _ what: String, _ deadline: MonotonicInstant, _ body: @escaping @Sendable () async throws -> Void
    ) async -> StepOutcome {
        do {
            try await withDeadline(deadline, clock: clock, body)
            return .success
        } catch {
            logger.warning("\(what) failed", metadata: ["error": "\(error)"])
            return .failure
        }
    }

    /// Failsafe mode: ask every member of the roster at once; the round counts from its start.
    private func confirmWithPeers(deadline: MonotonicInstant) async {
        let startedAt = clock.now()
        let me = configuration.podName
        let timeout = min(startedAt.duration(to: deadline), failover.retryPeriod)
        let addresses = memory.failsafeRoster.compactMap { member in
            documents[member].map { (member, $0.statusAddress) }
        }
        let peersClient = self.peersClient
        let confirmed = await withTaskGroup(of: String?.self) { group in
            for (member, address) in addresses {
                group.addTask {
                    await peersClient.confirm(primary: me, at: address, timeout: timeout) ? member : nil
                }
            }
            var names = Set<String>()
            for await name in group { if let name { names.insert(name) } }
            return names
        }
        memory.failsafeRoundFinished(startedAt: startedAt, confirmedBy: confirmed)
        logger.info(
            "failsafe round finished",
            metadata: [
                "failsafe.confirmed": "\(confirmed.sorted())",
                "failsafe.missing": "\(memory.failsafe.lastRoundMissing)",
            ])
    }

    /// Hands `writableUntil` to the supervisor when it changed. Nothing is sent before this
    /// incarnation held a tenure: after a sidecar restart the previous deadline must keep
    /// bounding a writable primary while we reclaim the lease (`FailoverPolicy.fenceWithoutLease`).
    func syncWatchdog() async {
        let wanted = memory.writableUntil
        if let acknowledged = acknowledgedWatchdog, acknowledged == wanted { return }
        if acknowledgedWatchdog == nil && wanted == nil { return }
        do {
            try await node.setWatchdog(wanted.map(SidecarClock.bootInstant))
            acknowledgedWatchdog = .some(wanted)
        } catch {
            logger.warning("could not hand the watchdog deadline to the supervisor", metadata: ["error": "\(error)"])
        }
    }

    /// Our (possibly failsafe-extended) tenure has ended. Without any tenure (a restarted
    /// sidecar reclaiming the lease) the previous incarnation's watchdog deadline bounds us.
    func tenureEnded() -> Bool {
        guard let deadline = memory.tenureDeadline else { return false }
        return clock.now() >= deadline
    }

    func isFence(_ step: Step) -> Bool {
        if case .fence = step { return true }
        return false
    }

    /// Each step's own bound; while PostgreSQL may be writable, never past the tenure deadline.
    func deadline(for step: Step, mayBeWritable: Bool) -> MonotonicInstant {
        let limit: Duration
        switch step {
        case .writeLease, .publishStatus, .labelPod: limit = configuration.apiTimeout
        case .fence: limit = failover.fenceTimeout
        case .unfence: limit = .seconds(5)
        case .promote, .restartPostgres: limit = .seconds(60)
        case .follow: limit = .seconds(300)
        case .setSynchronousStandbys: limit = .seconds(10)
        case .confirmPrimaryWithPeers: limit = failover.retryPeriod
        }
        let own = clock.now() + limit
        guard mayBeWritable, !isFence(step) else { return own }
        return min(own, memory.tenureDeadline ?? own)
    }

    /// When the lease became free for us, for the failover duration: the release we saw, or the
    /// expiry by our clock.
    func leaseFreeSince(_ decision: Decision) -> MonotonicInstant? {
        guard case .acquireLease(_, .promote, _, _) = decision.action, let view = memory.lease.view else { return nil }
        return view.holder == nil ? view.observedAt : view.expiresAt
    }

    func noteCompletion(_ decision: Decision, freeSince: MonotonicInstant?) {
        if case .acquireLease(_, .promote, _, _) = decision.action {
            failovers += 1
            lastFailoverDuration = freeSince.map { $0.duration(to: clock.now()) }
        }
        recordEvents(for: decision)
    }

    func log(_ decision: Decision) {
        let role = observation.local.memberRole
        let holder = memory.lease.view?.holder
        let roleChanging: Bool
        switch decision.action {
        case .acquireLease, .promote, .fenceSelf, .follow, .releaseLease, .unfenceSelf(.holdingLease):
            roleChanging = true
        default: roleChanging = lastRole != nil && (lastRole != role || lastHolder != .some(holder))
        }
        lastRole = role
        lastHolder = .some(holder)
        var metadata: Logger.Metadata = [
            "pg.role": "\(role.rawValue)", "lease.holder": "\(holder ?? "none")",
        ]
        if let snapshot = observation.local.snapshot {
            metadata["pg.timeline"] = "\(snapshot.timeline)"
            metadata["pg.lsn"] = "\(snapshot.walPosition)"
            metadata["pg.fenced"] = "\(snapshot.fenced)"
        }
        logger.log(level: roleChanging ? .notice : .info, "\(decision.summary)", metadata: metadata)
    }
}
