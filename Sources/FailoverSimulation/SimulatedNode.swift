import Failover

/// A node's monotonic clock: its own origin and a constant rate error. Offsets between nodes are
/// arbitrary (and irrelevant, which is the point); rates differ within the drift bound.
struct SimulatedClock {
    let originNanoseconds: Int64
    let driftPartsPerMillion: Int64

    func now(_ time: SimulatedTime) -> MonotonicInstant {
        MonotonicInstant(nanosecondsSinceOrigin: originNanoseconds + time * (1_000_000 + driftPartsPerMillion) / 1000)
    }

    /// The earliest simulated time at which this clock reads `instant` or later.
    func time(reading instant: MonotonicInstant) -> SimulatedTime {
        let elapsed = instant.nanosecondsSinceOrigin - originNanoseconds
        let rate = 1_000_000 + driftPartsPerMillion
        return (elapsed * 1000 + rate - 1) / rate
    }
}

/// One simulated PostgreSQL server with its supervisor. The data (timeline, WAL position, fence
/// in pg_hba.conf) survives crashes; the process state does not.
struct SimulatedPostgres {
    enum State: Equatable {
        case running
        case starting
        case rebuilding(leader: Int)
        case down
    }

    var state: State = .running
    var role: PostgresRole
    var position: WALPoint
    var fenced: Bool
    var upstream: Int?
    /// The WAL receiver moved data recently (or is caught up with a live upstream).
    var streaming = false
    var synchronousStandbyNames: [String] = []
    /// Bumped on every crash, so that settle events for an earlier process are ignored.
    var generation = 0
    /// Faults that keep PostgreSQL from starting, counted so that overlapping faults heal right.
    var brokenBy = 0
    /// The supervisor's watchdog: writes are allowed until the node's clock reads this.
    var writableUntil: MonotonicInstant?

    var isWritable: Bool { state == .running && role == .primary && !fenced }
}

/// The sidecar process: its memory and what it is doing right now.
struct SimulatedSidecar {
    enum Activity {
        case idle
        /// Reading the lease and all statuses.
        case reading
        case executing(plan: Decision, index: Int)
    }

    /// The request or step in flight, and what is known of its outcome so far.
    struct Operation {
        var startedAt: MonotonicInstant
        var request: Int?
        var outcome: StoreOutcome?
        var failsafeRound: Int?
        var confirmedBy: Set<String> = []
    }

    var memory: SidecarMemory
    var alive = true
    /// Only the newest scheduled wake-up counts; a crash or an earlier wake-up invalidates older ones.
    var wakeToken = 0
    /// The same for the deadline timer.
    var deadlineToken = 0
    var activity = Activity.idle
    var operation: Operation?
    /// The kind of the last action traced for this member, to trace changes only.
    var lastTracedKind = ""
}

/// One member: server, supervisor, sidecar, and the clock they share. A class, so that the
/// simulator mutates members in place instead of copying them (and their memories) per access.
final class SimulatedNode {
    let index: Int
    let name: String
    let clock: SimulatedClock
    var postgres: SimulatedPostgres
    var sidecar: SimulatedSidecar
    /// Fault counters (overlapping faults heal one by one).
    var apiUnreachableBy = 0
    var apiAnswersLostBy = 0
    var isolatedBy = 0
    var replicationStalledBy = 0
    /// A SIGTERM arrived; the pod stops once the sidecar finishes shutting down.
    var terminating = false
    /// How long a pod stays away after it stopped.
    var restartDelay: Int64 = 1_000_000
    var podAlive = true
    let wallClockOffset: Int64

    init(
        index: Int, name: String, clock: SimulatedClock, postgres: SimulatedPostgres, sidecar: SimulatedSidecar,
        wallClockOffset: Int64
    ) {
        self.index = index
        self.name = name
        self.clock = clock
        self.postgres = postgres
        self.sidecar = sidecar
        self.wallClockOffset = wallClockOffset
    }
}
