import Failover
import Logging
import PGSwarmAPI

/// A fence the satellite asked for (FenceCmd, e.g. the first step of a planned switchover).
///
/// The election owns fencing, and it lifts any fence of a primary that holds a fresh lease
/// (`FailoverPolicy.holderFenced`) and of a healthy replica (`unfenceSelf(.replicaReads)`), so
/// a satellite fence alone would be undone within one cycle and the command's answer would be a
/// lie. The rule that keeps both honest:
///
/// - The satellite's fence runs through the same `LocalNode.fence()` as the election's.
/// - It places a hold that makes the shell skip the election's *unfence* steps, and nothing
///   else: fencing, renewing, promoting and following go on, so the hold can only ever make
///   the instance less writable, never more (no second primary can come of it).
/// - The hold ends with the satellite's UnfenceCmd (which requires a fresh lease), when this
///   pod's lease situation changes (it took or lost the lease: the election's rules for the new
///   situation apply again), or after `satelliteFenceHoldLimit`, so that a satellite that dies
///   mid-switchover cannot leave the cluster without a writable primary for ever.
struct SatelliteFenceHold: Equatable {
    var placedAt: MonotonicInstant
    /// Whether this pod held a fresh lease when the fence was placed.
    var placedHoldingLease: Bool
}

extension SidecarShell {
    /// A satellite fence is forgotten after this long: longer than any switchover step waits,
    /// short enough that a vanished satellite costs minutes of writes, not the cluster.
    static let satelliteFenceHoldLimit: Duration = .seconds(300)

    /// We hold a tenure whose deadline has not passed (the same test the decision core makes).
    public func holdsFreshLease() -> Bool {
        memory.tenureDeadline.map { clock.now() < $0 } ?? false
    }

    /// The satellite's fence, if it still holds; an ended hold is forgotten here.
    func activeSatelliteFence() -> SatelliteFenceHold? {
        guard let hold = satelliteFence else { return nil }
        let expired = hold.placedAt.duration(to: clock.now()) >= Self.satelliteFenceHoldLimit
        if expired || hold.placedHoldingLease != holdsFreshLease() {
            satelliteFence = nil
            logger.info("the satellite's fence hold ended", metadata: ["stream.hold_expired": "\(expired)"])
            return nil
        }
        return hold
    }

    /// Places the hold first (the election must not lift what is being put in place), then
    /// fences through the election's own path; the command's timeout bounds it.
    public func fenceForSatellite() async throws {
        holdFenceForSatellite()
        try await node.fence()
    }

    /// Only the holder of a fresh lease may lift a fence (DESIGN.md, safety point 3); it ends
    /// the satellite's hold.
    public func unfenceForSatellite() async throws {
        guard holdsFreshLease() else {
            throw CommandFailure(.rejected, "this pod does not hold a fresh leader lease")
        }
        satelliteFence = nil
        try await node.unfence()
    }

    /// Places only the hold, for a fence whose drain runs outside the shell (`LocalStreamInstance`).
    public func holdFenceForSatellite() {
        satelliteFence = SatelliteFenceHold(placedAt: clock.now(), placedHoldingLease: holdsFreshLease())
    }
}
