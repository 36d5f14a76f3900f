public import Failover

/// Every option of one run, all derived from its seed (TigerBeetle's VOPR: one seed controls
/// everything and is printed first). Times are microseconds of simulated real time.
public struct SimulationOptions: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var nodeCount: Int
    /// The decision core's configuration, shared by every member (identity aside).
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    public var fenceTimeout: Duration
    public var driftBoundPartsPerMillion: Int
    public var synchronousMode: SynchronousMode
    public var failsafeMode: FailsafeMode
    public var maxLagOnFailover: Int
    public var primaryRepairTimeout: Duration
    public var maxPrimaryRestarts: Int
    public var handoverTimeout: Duration

    /// Each node's actual clock rate error; within the bound unless `clockDriftBeyondBound`.
    public var nodeDriftPartsPerMillion: [Int]
    /// Latency of one API request (each way together), and the client's request timeout.
    public var apiLatency: ClosedRange<Int64>
    public var requestTimeout: Int64
    public var peerLatency: ClosedRange<Int64>
    public var fenceLatency: ClosedRange<Int64>
    public var promoteLatency: ClosedRange<Int64>
    public var restartLatency: ClosedRange<Int64>
    public var rebuildLatency: ClosedRange<Int64>
    public var writeInterval: Int64
    public var writeBytes: UInt64
    /// Bytes per millisecond each node receives when streaming.
    public var replicationRate: [UInt64]
    /// Faults are injected from the end of the warm-up to the end of this phase.
    public var warmUp: Int64
    public var faultPhase: Int64
    public var faults: FaultProfile
    /// Whether the simulated shell fences from a timer while a request hangs (a real shell should);
    /// without it the fence waits for the request's timeout and the watchdog may have to act.
    public var shellHasDeadlineTimer: Bool
    /// A test knob: let clocks drift far beyond the configured bound, to prove the checker sees
    /// the split brain that the margin normally prevents.
    public var clockDriftBeyondBound: Bool

    /// Draws every option from `seed`.
    public init(seed: UInt64, clockDriftBeyondBound: Bool = false) {
        var random = SimulationRandom(seed: seed)
        self.seed = seed
        self.clockDriftBeyondBound = clockDriftBeyondBound
        nodeCount = random.int(in: 2...5)
        let lease = Int64(random.pick([2, 3, 4, 6, 10, 15])) * 1_000_000
        driftBoundPartsPerMillion = random.pick([0, 100, 1_000, 10_000, 30_000])
        let fence = max(200_000, lease * Int64(random.int(in: 5...12)) / 100)
        // The largest renew deadline the fence margin allows, then somewhat less.
        let drift = Int64(driftBoundPartsPerMillion)
        let largest = lease * (1_000_000 - drift) / (1_000_000 + drift) - fence - 1_000
        let deadline = largest * Int64(random.int(in: 55...95)) / 100
        let retry = deadline / Int64(random.int(in: 3...6))
        leaseDuration = .microseconds(lease)
        renewDeadline = .microseconds(deadline)
        retryPeriod = .microseconds(retry)
        fenceTimeout = .microseconds(fence)
        synchronousMode = random.chance(1, in: 3) ? .on : .off
        failsafeMode = random.chance(1, in: 3) ? .on : .off
        maxLagOnFailover = random.pick([0, 16 << 10, 1 << 20, 64 << 20])
        primaryRepairTimeout = .microseconds(lease * Int64(random.int(in: 1...3)))
        maxPrimaryRestarts = random.int(in: 1...3)
        handoverTimeout = .microseconds(Int64(random.int(in: 1...5)) * 1_000_000)

        let bound = clockDriftBeyondBound ? 250_000 : driftBoundPartsPerMillion
        nodeDriftPartsPerMillion = (0..<nodeCount).map { _ in random.int(in: -bound...bound) }
        let apiFloor = random.int64(in: 200...2_000)
        apiLatency = apiFloor...random.int64(in: 5_000...50_000)
        requestTimeout = max(1_000_000, deadline / 2)
        peerLatency = 100...random.int64(in: 1_000...20_000)
        fenceLatency = 1_000...(fence / 2)
        promoteLatency = 20_000...random.int64(in: 100_000...800_000)
        restartLatency = 100_000...random.int64(in: 500_000...3_000_000)
        rebuildLatency = 200_000...random.int64(in: 1_000_000...4_000_000)
        writeInterval = 100_000
        writeBytes = UInt64(random.int(in: 100...16_384))
        let bytes = writeBytes
        replicationRate = (0..<nodeCount).map { _ in max(1, bytes * UInt64(random.int(in: 50...2_000)) / 10_000) }
        warmUp = 3_000_000 + lease
        faultPhase = warmUp + lease * Int64(random.int(in: 3...7))
        faults = FaultProfile(random: &random, nodeCount: nodeCount)
        shellHasDeadlineTimer = random.chance(3, in: 4)
    }

    /// The configuration member `index` runs with.
    public func configuration(for index: Int) -> FailoverConfiguration {
        do {
            return try FailoverConfiguration(
                identity: Self.memberName(index), leaseName: "sim-leader", leaseDuration: leaseDuration,
                renewDeadline: renewDeadline, retryPeriod: retryPeriod,
                maxClockRateDriftPartsPerMillion: driftBoundPartsPerMillion, fenceTimeout: fenceTimeout,
                maxLagOnFailover: maxLagOnFailover, synchronousMode: synchronousMode, failsafeMode: failsafeMode,
                members: (0..<nodeCount).map(Self.memberName),
                primaryRepairTimeout: primaryRepairTimeout, maxPrimaryRestarts: maxPrimaryRestarts,
                handoverTimeout: handoverTimeout)
        } catch {
            preconditionFailure("seed \(seed) derived an invalid configuration: \(error)")
        }
    }

    public static func memberName(_ index: Int) -> String { "pg-\(index)" }

    public var description: String {
        let timings =
            "lease=\(leaseDuration.secondsText) renew-deadline=\(renewDeadline.secondsText) "
            + "retry=\(retryPeriod.secondsText) fence-timeout=\(fenceTimeout.secondsText) "
            + "drift-bound=\(driftBoundPartsPerMillion)ppm drift=\(nodeDriftPartsPerMillion)"
        let modes =
            "sync=\(synchronousMode.rawValue) failsafe=\(failsafeMode.rawValue) max-lag=\(maxLagOnFailover) "
            + "repair=\(primaryRepairTimeout.secondsText)/\(maxPrimaryRestarts) "
            + "handover=\(handoverTimeout.secondsText)"
        let environment =
            "api=\(apiLatency)us timeout=\(requestTimeout)us write=\(writeBytes)B/\(writeInterval)us "
            + "replication=\(replicationRate)B/ms fault-phase=\(faultPhase / 1000)ms "
            + "deadline-timer=\(shellHasDeadlineTimer)"
        return [
            "SEED=\(seed) nodes=\(nodeCount)", timings, modes, environment, "faults: \(faults)",
        ].joined(separator: "\n")
    }
}
