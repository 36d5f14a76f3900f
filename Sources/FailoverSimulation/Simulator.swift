import Failover
import Postgres

/// A deterministic simulation of one cluster: N members, each a simulated PostgreSQL with its
/// supervisor and a sidecar that runs the real `FailoverPolicy` behind a thin simulated shell,
/// plus a simulated API server, pod network, drifting clocks and a client that writes
/// continuously. One seed decides everything; the same seed gives the same run, byte for byte.
///
/// A run injects faults for a while (checking the safety invariants after every event), then
/// heals everything and requires the cluster to converge within a bounded time (liveness).
public final class Simulator {
    public let options: SimulationOptions
    var random: SimulationRandom
    var queue = EventQueue()
    var time: SimulatedTime = 0
    var nodes: [SimulatedNode] = []
    let policies: [FailoverPolicy]
    var store = SimulatedStore()
    var history = ClusterHistory()
    var nextRequestID = 0
    /// Requests on their way to the API server, by id (kept out of the event heap, which then
    /// moves plain integers around).
    var requestsInFlight: [Int: StoreRequest] = [:]
    var nextFailsafeRound = 0
    var apiOutageBy = 0
    var apiFlakyBy = 0
    /// Out of 100, while the API server is flaky.
    var apiErrorPercent: UInt64 = 0
    var apiHangPercent: UInt64 = 0
    var activeFaults: [Int: (kind: FaultKind, node: Int)] = [:]
    var client = SimulatedClient()
    var lastPhysics: SimulatedTime = 0
    var livenessStartedAt: SimulatedTime?
    var converged = false
    var failure: SimulationFailure?
    var statistics = RunStatistics()
    var trace: [String]?
    /// The latest decision of every member, for the liveness report.
    var lastDecisions: [Decision?]

    /// A safety net against a run that never ends (a harness bug): far above any real run.
    static let eventBudget = 2_000_000

    public init(options: SimulationOptions, tracing: Bool = false) {
        self.options = options
        random = SimulationRandom(seed: options.seed ^ 0xA5A5_5A5A_DEAD_BEEF)
        policies = (0..<options.nodeCount).map { FailoverPolicy(configuration: options.configuration(for: $0)) }
        lastDecisions = Array(repeating: nil, count: options.nodeCount)
        trace = tracing ? options.description.split(separator: "\n").map(String.init) : nil
    }

    /// Runs one seed to the end.
    public static func run(seed: UInt64, tracing: Bool = false) -> SimulationResult {
        Simulator(options: SimulationOptions(seed: seed), tracing: tracing).run()
    }

    public func run() -> SimulationResult {
        setUp()
        var processed = 0
        while failure == nil, !converged, let (at, event) = queue.pop() {
            advancePhysics(to: at)
            time = at
            handle(event)
            processed += 1
            if failure == nil { checkSafety() }
            if failure == nil, livenessStartedAt != nil { checkLiveness() }
            if processed > Self.eventBudget {
                fail(.crash, "runaway run: more than \(Self.eventBudget) events")
            }
        }
        statistics.events = processed
        if let failure { note(nil, "FAILED: \(failure.category.rawValue): \(failure.message)") }
        return SimulationResult(options: options, statistics: statistics, failure: failure, trace: trace ?? [])
    }

    private func setUp() {
        for index in 0..<options.nodeCount {
            // Node 0 is initialised as the primary; every server boots fenced (the supervisor's rule).
            let postgres = SimulatedPostgres(
                role: index == 0 ? .primary : .replica, position: WALPoint(timeline: 1, lsn: 0), fenced: true,
                upstream: index == 0 ? nil : 0)
            let memory = SidecarMemory(configuration: options.configuration(for: index))
            let clock = SimulatedClock(
                originNanoseconds: random.int64(in: 1...1_000_000_000_000_000),
                driftPartsPerMillion: Int64(options.nodeDriftPartsPerMillion[index]))
            nodes.append(
                SimulatedNode(
                    index: index, name: SimulationOptions.memberName(index), clock: clock, postgres: postgres,
                    sidecar: SimulatedSidecar(memory: memory),
                    wallClockOffset: random.int64(in: -3_600_000_000...3_600_000_000)))
            scheduleWake(index, at: random.int64(in: 0...options.retryPeriod.microseconds))
        }
        queue.schedule(.clientWrite, at: options.writeInterval)
        var faultRandom = random.fork()
        for id in 0..<options.faults.count {
            let at = faultRandom.int64(in: options.warmUp...(options.faultPhase - 1))
            let kind = options.faults.draw(&faultRandom)
            let member = faultRandom.int(in: 0...(options.nodeCount - 1))
            let aim: FaultAim =
                faultRandom.chance(options.faults.primaryBias, in: 4) ? .primary(fallback: member) : .member(member)
            let duration = faultDuration(kind, &faultRandom)
            queue.schedule(.fault(.begin(id: id, kind: kind, aim: aim, duration: duration)), at: at)
        }
        queue.schedule(.startLivenessPhase, at: options.faultPhase)
    }

    private func handle(_ event: SimulationEvent) {
        switch event {
        case .sidecarWake(let node, let token): sidecarWoke(node, token: token)
        case .tenureDeadline(let node, let token): tenureDeadlinePassed(node, token: token)
        case .storeApply(let request): storeApplied(request)
        case .postgresSettled(let node, let generation): postgresSettled(node, generation: generation)
        case .watchdog(let node): watchdogChecked(node)
        case .clientWrite: clientWrote()
        case .failsafeRequestArrives(let from, let to, let round):
            failsafeRequestArrived(from: from, to: to, round: round)
        case .failsafeAnswerArrives(let from, let to, let round):
            failsafeAnswerArrived(from: from, to: to, round: round)
        case .fault(let fault): faultHappened(fault)
        case .podRestart(let node): restartPod(node)
        case .startLivenessPhase: startLivenessPhase()
        }
    }

    // MARK: Shared helpers

    func localNow(_ node: Int) -> MonotonicInstant { nodes[node].clock.now(time) }

    func index(of member: String) -> Int? {
        nodes.firstIndex { $0.name == member }
    }

    func draw(_ range: ClosedRange<Int64>) -> Int64 { random.int64(in: range) }

    /// The wall-clock time a node writes into a lease record: skewed per node, and meaningless
    /// to every reader on purpose.
    func wallTimestamp(_ node: Int) -> LeaseTimestamp {
        LeaseTimestamp("w\(time + nodes[node].wallClockOffset)")
    }

    /// Schedules the sidecar's next wake-up (superseding any earlier one) and, if its tenure ends
    /// before then while PostgreSQL takes writes, its deadline timer.
    func scheduleWake(_ node: Int, at moment: SimulatedTime) {
        let member = nodes[node]
        member.sidecar.wakeToken += 1
        member.sidecar.deadlineToken += 1
        queue.schedule(.sidecarWake(node: node, token: member.sidecar.wakeToken), at: max(moment, time))
        guard options.shellHasDeadlineTimer, member.postgres.isWritable,
            let deadline = member.sidecar.memory.tenureDeadline
        else { return }
        let due = member.clock.time(reading: deadline)
        if due > time && due < moment {
            queue.schedule(.tenureDeadline(node: node, token: member.sidecar.deadlineToken), at: due)
        }
    }

    func note(_ node: Int?, _ text: @autoclosure () -> String) {
        guard trace != nil else { return }
        let who = node.map { nodes[$0].name } ?? "sim"
        trace?.append("\(formatSeconds(time)) \(who): \(text())")
    }

    func fail(_ category: FailureCategory, _ message: String) {
        guard failure == nil else { return }
        failure = SimulationFailure(seed: options.seed, category: category, message: message, atMicroseconds: time)
    }

    /// Both pods up and no partition between them.
    func linked(_ first: Int, _ second: Int) -> Bool {
        nodes[first].podAlive && nodes[second].podAlive && nodes[first].isolatedBy == 0 && nodes[second].isolatedBy == 0
    }
}

extension Duration {
    var microseconds: Int64 { nanoseconds / 1000 }
}
