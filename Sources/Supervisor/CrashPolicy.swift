/// When to restart a PostgreSQL that exited on its own, and when to call it crash-looping.
///
/// A crash is retried after a delay that doubles per consecutive fast exit (an exit within
/// `stableAfter` seconds of the start), so a transient failure heals in a second while a broken
/// data directory does not spin. After `crashLoopThreshold` consecutive fast exits the status says
/// so; the sidecar then decides (a primary gives up its lease, a standby is rebuilt).
public struct CrashPolicy: Sendable, Equatable {
    public var initialDelay: Double
    public var maximumDelay: Double
    public var stableAfter: Double
    public var crashLoopThreshold: Int

    public init(
        initialDelay: Double = 0.2, maximumDelay: Double = 5, stableAfter: Double = 30, crashLoopThreshold: Int = 3
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.stableAfter = stableAfter
        self.crashLoopThreshold = crashLoopThreshold
    }

    /// The consecutive-fast-exit count after an exit that happened `uptime` seconds after start.
    public func fastExits(after previous: Int, uptime: Double) -> Int {
        uptime < stableAfter ? previous + 1 : 0
    }

    /// Seconds to wait before restart number `fastExits` (1 = the first crash).
    public func restartDelay(fastExits: Int) -> Double {
        guard fastExits > 1 else { return initialDelay }
        let doubled = initialDelay * Double(1 << min(fastExits - 1, 20))
        return min(maximumDelay, doubled)
    }

    public func isCrashLooping(fastExits: Int) -> Bool { fastExits >= crashLoopThreshold }
}
