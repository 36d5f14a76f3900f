public import Failover
public import Logging
public import Supervisor

/// The imperative shell around `FailoverPolicy`, following its contract to the letter:
///
/// 1. Each cycle observes the local node, runs `urgentDecision` on memory alone (no API call),
///    else reads the lease and every member status in one consistent read (`clusterRead`, or
///    `apiCallFailed`), then `decide`s.
/// 2. Runs the steps in order, reporting every outcome to `SidecarMemory`; a failed gating step
///    ends the plan; after a lost compare-and-swap it reads again at once.
/// 3. Hands `writableUntil` to the supervisor's watchdog after every change. While PostgreSQL
///    is writable, every step is bounded by `tenureDeadline` (`withDeadline`): a step still
///    hanging then is abandoned (reported failed) and the next cycle starts with the urgent
///    guards, which fence.
/// 4. API requests time out within `renewDeadline / 2` (`SidecarConfiguration.apiTimeout`);
///    member statuses are stored with compare-and-swap (`ClusterAPI.publish`).
/// 5. Answers peers' failsafe requests (`answerFailsafe`).
/// 6. Sleeps until `Decision.wakeAt` at the latest; a change of the leader lease, of the local
///    server or a shutdown request wakes it earlier.
///
/// It makes no decision of its own beyond bootstrapping an empty volume (`+Bootstrap`).
public actor SidecarShell {
    let configuration: SidecarConfiguration
    let policy: FailoverPolicy
    let cluster: any ClusterAPI
    let node: any LocalNode
    let peersClient: any FailsafePeers
    let clock: SidecarClock
    /// Wall-clock time for the timestamps written to the API (display only).
    let wallTime: @Sendable () -> LeaseTimestamp
    let logger: Logger
    /// Role and lease changes for the satellite; nil without a satellite stream.
    let events: EventOutbox?

    var memory: SidecarMemory
    /// The last observation of the local node.
    var observation = LocalObservation(local: .down, supervisor: nil, node: nil)
    /// Every member's latest published document (addresses for follow and failsafe).
    var documents: [String: MemberDocument] = [:]
    /// The watchdog deadline the supervisor last acknowledged (`.some(nil)`: "none").
    var acknowledgedWatchdog: MonotonicInstant??
    var lastDecision: Decision?
    var lastRole: MemberRole?
    var lastHolder: String??
    var cycles = 0
    var failovers = 0
    var lastFailoverDuration: Duration?
    var finished = false
    /// A wake-up raised while the loop was busy: the next sleep returns at once.
    var pendingWake = false
    var sleeper: Task<Void, Never>?
    /// A fence the satellite asked for, which the election's unfence steps respect (`+Satellite`).
    var satelliteFence: SatelliteFenceHold?
    /// This cycle's plan had its unfence held back by `satelliteFence`.
    var unfenceHeldBack = false
    /// How this cycle's follow step made us a standby (for the events), if the supervisor said.
    var lastFollow: FollowOutcome?
    /// Whether the election is blocked for this member, and why (one event per episode).
    var failoverBlock = FailoverBlockTracker()

    public init(
        configuration: SidecarConfiguration, cluster: any ClusterAPI, node: any LocalNode,
        peers: any FailsafePeers = HTTPFailsafePeers(), clock: SidecarClock = SidecarClock(),
        wallTime: @escaping @Sendable () -> LeaseTimestamp, events: EventOutbox? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.policy = FailoverPolicy(configuration: configuration.failover)
        self.cluster = cluster
        self.node = node
        self.peersClient = peers
        self.clock = clock
        self.wallTime = wallTime
        self.logger = logger
        self.events = events
        self.memory = SidecarMemory(configuration: configuration.failover)
    }

    var failover: FailoverConfiguration { configuration.failover }

    /// Runs cycles until a requested shutdown is complete, then lets the supervisor stop.
    public func run() async {
        let watchers = startWatchers()
        defer { watchers.forEach { $0.cancel() } }
        while !finished {
            let wakeAt = await runCycle()
            if finished { break }
            await sleep(until: wakeAt)
        }
        do {
            try await node.releaseShutdown()
        } catch {
            logger.warning("could not release the supervisor's shutdown", metadata: ["error": "\(error)"])
        }
        logger.notice("sidecar stopped", metadata: ["member": "\(configuration.podName)"])
    }

    /// SIGTERM: hand over (decision-driven), then stop.
    public func requestShutdown() {
        memory.shutdownRequested(at: clock.now())
        wakeEarly()
    }

    /// One cycle; returns when to run the next at the latest.
    func runCycle() async -> MonotonicInstant {
        cycles += 1
        if shutdownOverdue() {
            finished = true
            return clock.now()
        }
        observation = await observeLocal()
        if observation.awaitsDirective { return await bootstrap() }
        var snapshot = memory.observe(observation.local, at: clock.now())
        if let urgent = policy.urgentDecision(snapshot, now: clock.now()) {
            return await execute(urgent)
        }
        await readCluster()
        snapshot = memory.observe(observation.local, at: clock.now())
        return await execute(policy.decide(snapshot, now: clock.now()))
    }

    /// The local node, bounded like a step: a hung server must not hold the cycle past the
    /// tenure deadline. An observation that does not finish keeps the last one if the server
    /// was running (a writable server is still treated as writable, so the fence guards fire),
    /// and otherwise counts as down.
    func observeLocal() async -> LocalObservation {
        let node = self.node
        let lookup = memberLookup()
        let previous = observation
        do {
            return try await withDeadline(observationDeadline(), clock: clock) {
                await node.observe(memberAt: lookup)
            }
        } catch {
            logger.warning("observing the local server timed out", metadata: ["error": "\(error)"])
            if case .running = previous.local { return previous }
            return LocalObservation(local: .down, supervisor: previous.supervisor, node: nil)
        }
    }

    /// Supervisor status plus a handful of queries, each with its own short timeout. Once the
    /// tenure of a writable server has ended, only briefly: the fence must not wait.
    func observationDeadline() -> MonotonicInstant {
        let now = clock.now()
        let normal = now + .seconds(configuration.localPostgres.timeout * 2 + 1)
        guard observation.local.isWritable, let tenure = memory.tenureDeadline else { return normal }
        return tenure > now ? min(normal, tenure) : now + failover.fenceTimeout / 2
    }

    /// `instant`, or the tenure deadline if that comes first while PostgreSQL may be writable.
    func boundedByTenure(_ instant: MonotonicInstant) -> MonotonicInstant {
        guard observation.local.isWritable, let tenure = memory.tenureDeadline else { return instant }
        return min(instant, tenure)
    }

    /// One consistent read of the lease and every status, recorded together or not at all.
    func readCluster() async {
        let cluster = self.cluster
        do {
            let reading = try await withDeadline(boundedByTenure(clock.now() + configuration.apiTimeout), clock: clock)
            {
                try await cluster.readCluster()
            }
            memory.clusterRead(lease: reading.lease, statuses: reading.members.map(\.status), at: clock.now())
            for document in reading.members { documents[document.status.member] = document }
        } catch {
            memory.apiCallFailed(at: clock.now())
            logger.debug("reading the cluster failed", metadata: ["error": "\(error)"])
        }
    }

    /// Maps an upstream address to the member that published it.
    func memberLookup() -> @Sendable (SourceServer) -> String? {
        let byAddress = Dictionary(
            documents.values.map { ($0.postgres, $0.status.member) }, uniquingKeysWith: { first, _ in first })
        return { byAddress[$0] }
    }

    /// A shutdown that could not finish (no API server, no answer) ends anyway after the
    /// handover window plus a renew deadline: by then the lease is released or fenced away.
    func shutdownOverdue() -> Bool {
        guard let requested = memory.shutdownRequestedAt else { return false }
        let limit = failover.handoverTimeout + failover.renewDeadline + failover.fenceTimeout
        return requested.duration(to: clock.now()) > limit
    }

    func sleep(until instant: MonotonicInstant) async {
        // Holders never sleep past their tenure deadline (the core already wakes them there).
        let target = min(instant, memory.tenureDeadline ?? instant)
        if pendingWake {
            pendingWake = false
            return
        }
        let task = Task { [clock] in _ = try? await clock.sleep(until: target) }
        sleeper = task
        await task.value
        sleeper = nil
        pendingWake = false
    }

    /// The leader lease watch and the local change poller: both only wake the loop early.
    func startWatchers() -> [Task<Void, Never>] {
        let leaderWatch = Task { [cluster, logger] in
            var failures = 0
            while !Task.isCancelled {
                for await holder in cluster.leaderChanges() {
                    failures = 0
                    logger.debug("leader lease changed", metadata: ["lease.holder": "\(holder ?? "none")"])
                    self.wakeEarly()
                }
                failures += 1
                try? await Task.sleep(for: .milliseconds(min(30_000, 500 * (1 << min(failures, 6)))))
            }
        }
        let localWatch = Task { [node] in
            var last: SupervisorStatus.State?
            var lastPID: Int32?
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                guard let report = await (node as? any SupervisorReporting)?.supervisorReport() else { continue }
                if report.state != last || report.pid != lastPID {
                    if last != nil { self.wakeEarly() }
                    last = report.state
                    lastPID = report.pid
                }
            }
        }
        return [leaderWatch, localWatch]
    }

    func wakeEarly() {
        pendingWake = true
        sleeper?.cancel()
    }
}

/// A local node that can report its supervisor's state cheaply (the change poller uses it).
public protocol SupervisorReporting: Sendable {
    func supervisorReport() async -> SupervisorStatus?
}

extension SupervisedPostgres: SupervisorReporting {
    public func supervisorReport() async -> SupervisorStatus? { await supervisorStatus() }
}
