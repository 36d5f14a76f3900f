import Failover

/// The writing client: one write in flight at a time, sent to whichever server accepts writes.
struct SimulatedClient {
    /// A write waiting for its synchronous standby (committed locally, not acknowledged yet).
    var pending: (node: Int, point: WALPoint)?
    var lastAcknowledgedAt: SimulatedTime?
}

/// Replication, the client, and the faults.
extension Simulator {
    /// Streams WAL to every replica up to `target` (in steps of at least `physicsStep`, which
    /// keeps a debug build fast), then settles the client's pending write.
    func advancePhysics(to target: SimulatedTime) {
        let elapsed = target - lastPhysics
        guard elapsed >= Self.physicsStep else { return }
        lastPhysics = target
        for replica in nodes {
            let postgres = replica.postgres
            guard replica.podAlive, postgres.state == .running, postgres.role == .replica else { continue }
            guard let upstreamIndex = postgres.upstream, replica.replicationStalledBy == 0, replica.isolatedBy == 0
            else {
                replica.postgres.streaming = false
                continue
            }
            let upstream = nodes[upstreamIndex]
            let source = upstream.postgres.position
            guard upstream.podAlive, upstream.isolatedBy == 0, upstream.postgres.state == .running,
                upstream.postgres.role == .primary, history.holds(postgres.position, at: source)
            else {
                replica.postgres.streaming = false
                continue
            }
            let gain = options.replicationRate[replica.index] * UInt64(elapsed) / 1000
            replica.postgres.position = WALPoint(
                timeline: source.timeline, lsn: min(source.lsn, postgres.position.lsn + gain))
            replica.postgres.streaming = true
        }
        settlePendingWrite()
    }

    /// Replication and acknowledgements advance at this granularity (microseconds).
    static let physicsStep: Int64 = 5_000

    private func settlePendingWrite() {
        guard let pending = client.pending else { return }
        let primary = nodes[pending.node]
        guard primary.podAlive, primary.postgres.isWritable,
            primary.postgres.position.timeline == pending.point.timeline
        else {
            client.pending = nil  // the session was cut: the write is in doubt, never acknowledged
            return
        }
        if isDurable(pending.point, on: pending.node) {
            client.pending = nil
            acknowledge(pending.point)
        }
    }

    /// Whether the primary may acknowledge `point`: at once without synchronous standbys, else
    /// once a listed standby flushed it.
    private func isDurable(_ point: WALPoint, on primary: Int) -> Bool {
        let names = nodes[primary].postgres.synchronousStandbyNames
        if names.isEmpty { return true }
        for other in nodes where isStandby(other.index, of: primary) && other.postgres.streaming {
            if (names.contains(other.name) || names == ["*"]) && history.holds(point, at: other.postgres.position) {
                return true
            }
        }
        return false
    }

    private func acknowledge(_ point: WALPoint) {
        history.acknowledge(point)
        statistics.acknowledgedWrites += 1
        if let last = client.lastAcknowledgedAt {
            statistics.longestWriteOutage = max(statistics.longestWriteOutage, time - last)
        }
        client.lastAcknowledgedAt = time
    }

    func clientWrote() {
        queue.schedule(.clientWrite, at: time + options.writeInterval)
        guard client.pending == nil,
            let target = nodes.indices.first(where: { nodes[$0].podAlive && nodes[$0].postgres.isWritable })
        else { return }
        nodes[target].postgres.position.lsn += options.writeBytes
        client.pending = (target, nodes[target].postgres.position)
        settlePendingWrite()
    }

    // MARK: Faults

    func faultDuration(_ kind: FaultKind, _ random: inout SimulationRandom) -> Int64 {
        let lease = options.leaseDuration.microseconds
        let deadline = options.renewDeadline.microseconds
        let short = 100_000...max(100_001, deadline / 2)
        switch kind {
        case .postgresCrash: return 0
        case .nodeLoss: return random.int64(in: 1_000_000...(3 * lease))
        case .postgresBroken: return random.int64(in: 1_000_000...(2 * options.primaryRepairTimeout.microseconds))
        case .sidecarCrash: return random.int64(in: 100_000...(2 * lease))
        case .apiPartition, .apiResponsesLost, .apiOutage:
            return random.chance(1, in: 2) ? random.int64(in: short) : random.int64(in: deadline...(3 * lease))
        case .apiFlaky, .podNetworkPartition, .replicationStall: return random.int64(in: 1_000_000...(3 * lease))
        case .gracefulShutdown: return random.int64(in: 1_000_000...(2 * lease))
        }
    }

    func faultHappened(_ fault: FaultEvent) {
        switch fault {
        case .begin(let id, let kind, let aim, let duration):
            guard livenessStartedAt == nil else { return }
            let target = resolve(aim)
            statistics.faults[kind, default: 0] += 1
            note(target, "FAULT \(kind.rawValue) for \(formatSeconds(duration))")
            activeFaults[id] = (kind, target)
            var lasts = duration
            switch kind {
            case .nodeLoss: killPod(target)
            case .postgresCrash: if nodes[target].podAlive { crashPostgres(target) }
            case .postgresBroken:
                if nodes[target].podAlive { crashPostgres(target) }
                nodes[target].postgres.brokenBy += 1
            case .sidecarCrash: killSidecar(target)
            case .apiPartition: nodes[target].apiUnreachableBy += 1
            case .apiResponsesLost: nodes[target].apiAnswersLostBy += 1
            case .apiOutage: apiOutageBy += 1
            case .apiFlaky:
                apiFlakyBy += 1
                apiErrorPercent = UInt64(draw(5...50))
                apiHangPercent = UInt64(draw(2...20))
            case .podNetworkPartition: nodes[target].isolatedBy += 1
            case .replicationStall: nodes[target].replicationStalledBy += 1
            case .gracefulShutdown:
                requestShutdown(target, restartAfter: duration)
                lasts = Self.terminationGracePeriod
            }
            queue.schedule(.fault(.end(id: id)), at: time + lasts)
        case .end(let id):
            guard let (kind, node) = activeFaults.removeValue(forKey: id) else { return }
            switch kind {
            case .postgresCrash: break
            case .nodeLoss: restartPod(node)
            case .postgresBroken: nodes[node].postgres.brokenBy -= 1
            case .sidecarCrash: restartSidecar(node)
            case .apiPartition: nodes[node].apiUnreachableBy -= 1
            case .apiResponsesLost: nodes[node].apiAnswersLostBy -= 1
            case .apiOutage: apiOutageBy -= 1
            case .apiFlaky: apiFlakyBy -= 1
            case .podNetworkPartition: nodes[node].isolatedBy -= 1
            case .replicationStall: nodes[node].replicationStalledBy -= 1
            case .gracefulShutdown:
                guard nodes[node].podAlive, nodes[node].terminating else { return }
                note(node, "termination grace period over: killed")
                killPod(node)
                queue.schedule(.podRestart(node: node), at: time + nodes[node].restartDelay)
            }
        }
    }

    /// Kubernetes' default `terminationGracePeriodSeconds`.
    static let terminationGracePeriod: Int64 = 30_000_000

    private func resolve(_ aim: FaultAim) -> Int {
        switch aim {
        case .member(let index): return index
        case .primary(let fallback):
            if let writable = nodes.indices.first(where: { nodes[$0].podAlive && nodes[$0].postgres.isWritable }) {
                return writable
            }
            return store.lease?.holder.flatMap(index(of:)) ?? fallback
        }
    }

    func killPod(_ node: Int) {
        crashPostgres(node)
        nodes[node].podAlive = false
        nodes[node].terminating = false
        nodes[node].postgres.writableUntil = nil
        killSidecar(node)
    }

    /// The sidecar finished shutting down: PostgreSQL stops, the pod goes away and comes back.
    func stopPod(_ node: Int) {
        note(node, "pod stopped after a clean shutdown")
        killPod(node)
        queue.schedule(.podRestart(node: node), at: time + nodes[node].restartDelay)
    }

    func restartPod(_ node: Int) {
        guard !nodes[node].podAlive else { return }
        nodes[node].podAlive = true
        // The supervisor boots PostgreSQL fenced: fenced until a sidecar holds a fresh lease.
        nodes[node].postgres.fenced = true
        nodes[node].postgres.writableUntil = nil
        startPostgres(node)
        nodes[node].sidecar.alive = false
        restartSidecar(node)
        note(node, "pod started")
    }

    func killSidecar(_ node: Int) {
        nodes[node].sidecar.alive = false
        nodes[node].sidecar.wakeToken += 1
        nodes[node].sidecar.activity = .idle
        nodes[node].sidecar.operation = nil
    }

    func restartSidecar(_ node: Int) {
        guard nodes[node].podAlive, !nodes[node].sidecar.alive else { return }
        nodes[node].sidecar = SimulatedSidecar(memory: SidecarMemory(configuration: options.configuration(for: node)))
        if nodes[node].terminating { nodes[node].sidecar.memory.shutdownRequested(at: localNow(node)) }
        scheduleWake(node, at: time + draw(100_000...1_000_000))
    }

    private func requestShutdown(_ node: Int, restartAfter delay: Int64) {
        guard nodes[node].podAlive, nodes[node].sidecar.alive, !nodes[node].terminating else { return }
        nodes[node].terminating = true
        nodes[node].restartDelay = delay
        nodes[node].sidecar.memory.shutdownRequested(at: localNow(node))
        // A real shell handles SIGTERM at once; an idle one wakes up for it.
        if case .idle = nodes[node].sidecar.activity { scheduleWake(node, at: time) }
    }
}
