import Failover
import Postgres

/// The simulated shell: what the real sidecar's loop does, with simulated I/O. It makes no
/// decisions of its own: it observes, calls `FailoverPolicy`, runs the steps in order, and
/// reports every outcome to `SidecarMemory`.
extension Simulator {
    func sidecarWoke(_ node: Int, token: Int) {
        let sidecar = nodes[node].sidecar
        guard nodes[node].podAlive, sidecar.alive, sidecar.wakeToken == token else { return }
        switch sidecar.activity {
        case .idle: startCycle(node)
        case .reading: readFinished(node)
        case .executing(let plan, let index): stepFinished(node, plan: plan, index: index)
        }
    }

    /// The shell's deadline timer (a real shell runs it beside the cycle): when the tenure ends
    /// while a request hangs, abandon the request and run the urgent guards at once.
    func tenureDeadlinePassed(_ node: Int, token: Int) {
        let sidecar = nodes[node].sidecar
        guard nodes[node].podAlive, sidecar.alive, sidecar.deadlineToken == token else { return }
        if case .executing(let plan, _) = sidecar.activity, case .fenceSelf = plan.action { return }
        let now = localNow(node)
        let observation = nodes[node].sidecar.memory.observe(observeLocal(node), at: now)
        guard let urgent = policies[node].urgentDecision(observation, now: now) else { return }
        abandonOperation(node)
        note(node, "deadline timer interrupted the cycle")
        begin(node, urgent)
    }

    /// Gives up on the step or read in flight; its outcome is unknown, so it counts as failed.
    private func abandonOperation(_ node: Int) {
        let now = localNow(node)
        if case .executing(let plan, let index) = nodes[node].sidecar.activity,
            let startedAt = nodes[node].sidecar.operation?.startedAt
        {
            switch plan.steps[index] {
            case .writeLease(let write):
                nodes[node].sidecar.memory.leaseWriteFinished(write, startedAt: startedAt, outcome: .failed, at: now)
            case .publishStatus(let status):
                nodes[node].sidecar.memory.statusPublicationFailed(status, at: now)
            default:
                break
            }
        }
        nodes[node].sidecar.wakeToken += 1
        nodes[node].sidecar.activity = .idle
        nodes[node].sidecar.operation = nil
    }

    /// A cycle starts with the urgent guards on memory alone (a fence never waits for a read
    /// that might hang), then reads the lease and the statuses.
    private func startCycle(_ node: Int) {
        let now = localNow(node)
        let observation = nodes[node].sidecar.memory.observe(observeLocal(node), at: now)
        if let urgent = policies[node].urgentDecision(observation, now: now) {
            begin(node, urgent)
            return
        }
        let (request, answerAt) = sendToStore(node, .read)
        nodes[node].sidecar.operation = SimulatedSidecar.Operation(startedAt: now, request: request)
        nodes[node].sidecar.activity = .reading
        scheduleWake(node, at: answerAt)
    }

    private func readFinished(_ node: Int) {
        let now = localNow(node)
        if case .read(let lease, let statuses) = nodes[node].sidecar.operation?.outcome {
            nodes[node].sidecar.memory.clusterRead(lease: lease, statuses: statuses, at: now)
        } else {
            nodes[node].sidecar.memory.apiCallFailed(at: now)
        }
        let observation = nodes[node].sidecar.memory.observe(observeLocal(node), at: now)
        checkFenceBeforeExpiry(node, observation.memory, at: now)
        begin(node, policies[node].decide(observation, now: now))
    }

    private func begin(_ node: Int, _ decision: Decision) {
        statistics.decisions += 1
        lastDecisions[node] = decision
        recordMarks(node, decision)
        nodes[node].sidecar.operation = nil
        guard !decision.steps.isEmpty else {
            finishPlan(node, decision)
            return
        }
        startStep(node, plan: decision, index: 0)
    }

    private func startStep(_ node: Int, plan: Decision, index: Int) {
        let now = localNow(node)
        var operation = SimulatedSidecar.Operation(startedAt: now)
        var finishAt = time
        switch plan.steps[index] {
        case .writeLease(let write):
            guard nodes[node].sidecar.memory.leaseWriteStarted(write.intent, at: now) else {
                statistics.mark(.failsafePromiseHeldBack)
                finishPlan(node, plan)
                return
            }
            let memory = nodes[node].sidecar.memory
            let record = write.record(
                by: memory.identity, leaseDuration: memory.configuration.leaseDuration,
                replacing: memory.lease.view?.record, at: wallTimestamp(node))
            let (request, answerAt) = sendToStore(node, .writeLease(record, write.precondition))
            operation.request = request
            finishAt = answerAt
        case .publishStatus(var status):
            status.publishedAt = wallTimestamp(node)
            let (request, answerAt) = sendToStore(node, .publish(status))
            operation.request = request
            finishAt = answerAt
        case .labelPod: break
        case .fence, .unfence: finishAt = time + draw(options.fenceLatency)
        case .promote: finishAt = time + draw(options.promoteLatency)
        case .setSynchronousStandbys: finishAt = time + draw(1_000...20_000)
        case .follow, .restartPostgres: finishAt = time + draw(1_000...5_000)
        case .confirmPrimaryWithPeers:
            nextFailsafeRound += 1
            operation.failsafeRound = nextFailsafeRound
            for member in nodes[node].sidecar.memory.failsafeRoster {
                guard let peer = self.index(of: member), linked(node, peer) else { continue }
                queue.schedule(
                    .failsafeRequestArrives(from: node, to: peer, round: nextFailsafeRound),
                    at: time + draw(options.peerLatency))
            }
            finishAt = time + 2 * options.peerLatency.upperBound + 1_000
        }
        nodes[node].sidecar.operation = operation
        nodes[node].sidecar.activity = .executing(plan: plan, index: index)
        scheduleWake(node, at: finishAt)
    }

    private func stepFinished(_ node: Int, plan: Decision, index: Int) {
        let step = plan.steps[index]
        let succeeded = completeStep(node, step)
        armWatchdog(node)
        guard failure == nil else { return }
        if (succeeded || !step.gatesLaterSteps) && index + 1 < plan.steps.count {
            startStep(node, plan: plan, index: index + 1)
        } else {
            finishPlan(node, plan)
        }
    }

    private func finishPlan(_ node: Int, _ plan: Decision) {
        nodes[node].sidecar.activity = .idle
        nodes[node].sidecar.operation = nil
        if plan.action == .finishShutdown && nodes[node].terminating {
            stopPod(node)
            return
        }
        let wake = nodes[node].clock.time(reading: plan.wakeAt)
        scheduleWake(node, at: max(wake, time + 1_000))
    }

    // MARK: API server requests

    /// Sends a request and returns its id and when the sidecar hears back (answer or timeout).
    func sendToStore(_ node: Int, _ kind: StoreRequest.Kind) -> (Int, SimulatedTime) {
        nextRequestID += 1
        let id = nextRequestID
        var applyAt: SimulatedTime?
        var answered = false
        var answerAt = time + options.requestTimeout
        if apiOutageBy > 0 {
            answerAt = time + draw(1_000...5_000)  // connection refused
        } else if nodes[node].apiUnreachableBy == 0 {
            let latency = draw(options.apiLatency)
            let there = latency * draw(20...80) / 100
            if apiFlakyBy > 0 && random.chance(apiErrorPercent, in: 100) {
                answerAt = time + latency  // a 5xx: nothing applied
            } else if apiFlakyBy > 0 && random.chance(apiHangPercent, in: 100) {
                // Hangs past the client's timeout; may still take effect, even much later.
                if random.chance(1, in: 2) { applyAt = time + draw(there...(3 * options.requestTimeout)) }
            } else {
                applyAt = time + there
                if nodes[node].apiAnswersLostBy == 0 {
                    answered = true
                    answerAt = time + latency
                }
            }
        }
        if let applyAt {
            requestsInFlight[id] = StoreRequest(id: id, node: node, kind: kind, answered: answered)
            queue.schedule(.storeApply(request: id), at: applyAt)
        }
        return (id, answerAt)
    }

    func storeApplied(_ id: Int) {
        guard let request = requestsInFlight.removeValue(forKey: id) else { return }
        let outcome = store.apply(request.kind)
        guard request.answered, nodes[request.node].sidecar.operation?.request == request.id else { return }
        nodes[request.node].sidecar.operation?.outcome = outcome
    }

    // MARK: Failsafe

    func failsafeRequestArrived(from primary: Int, to member: Int, round: Int) {
        guard nodes[member].podAlive, nodes[member].sidecar.alive else { return }
        let answer = nodes[member].sidecar.memory.answerFailsafeRequest(
            from: nodes[primary].name, local: observeLocal(member), at: localNow(member))
        guard answer == .confirmed, linked(member, primary) else { return }
        queue.schedule(
            .failsafeAnswerArrives(from: member, to: primary, round: round), at: time + draw(options.peerLatency))
    }

    func failsafeAnswerArrived(from member: Int, to primary: Int, round: Int) {
        guard nodes[primary].sidecar.operation?.failsafeRound == round else { return }
        let name = nodes[member].name
        nodes[primary].sidecar.operation?.confirmedBy.insert(name)
    }

    // MARK: The local server as the shell sees it

    func observeLocal(_ node: Int) -> LocalPostgres {
        let postgres = nodes[node].postgres
        switch postgres.state {
        case .down: return .down
        case .starting: return .starting
        case .rebuilding: return .rebuilding
        case .running: break
        }
        var standbys: [StandbyProgress] = []
        if postgres.role == .primary {
            var anyClaimed = false
            for other in nodes where other.index != node && isStandby(other.index, of: node) {
                let streaming = other.postgres.streaming
                let names = postgres.synchronousStandbyNames
                var synchronous = streaming && names.contains(other.name)
                if streaming && names == ["*"] && !anyClaimed {
                    synchronous = true
                    anyClaimed = true
                }
                standbys.append(
                    StandbyProgress(
                        member: other.name, flushLSN: LSN(rawValue: other.postgres.position.lsn), streaming: streaming,
                        synchronous: synchronous))
            }
        }
        return .running(
            PostgresSnapshot(
                role: postgres.role, fenced: postgres.fenced, timeline: postgres.position.timeline,
                walPosition: LSN(rawValue: postgres.position.lsn), upstream: postgres.upstream.map { nodes[$0].name },
                streaming: postgres.streaming, synchronousStandbyNames: postgres.synchronousStandbyNames,
                standbys: standbys))
    }

    /// `replica` runs and is configured to stream from `primary`.
    func isStandby(_ replica: Int, of primary: Int) -> Bool {
        let postgres = nodes[replica].postgres
        return nodes[replica].podAlive && postgres.state == .running && postgres.role == .replica
            && postgres.upstream == primary
    }
}
