import BenchSupport
import Foundation

/// CPU shares and memory over one measured period, and what the simulated fleet sent meanwhile.
struct UsageWindow {
    var seconds: Double
    /// CPU time over wall time: 1.0 is one core busy.
    var centralCPUShare: Double
    var centralRSSMiB: Double
    var centralPeakRSSMiB: Double
    /// The PostgreSQL server and all its backends.
    var postgresCPUShare: Double
    /// This process: the simulated satellites (and the probes).
    var benchCPUShare: Double
    var heartbeatsSent: Int
    var heartbeatAcks: Int
    var reportsSent: Int

    static func measure(central: Int32, postgres: Int32, counters: FleetCounters, duration: Duration) async throws
        -> UsageWindow
    {
        let started = ContinuousClock.now
        let centralBefore = ProcessUsage.of(pid: central)
        let postgresBefore = ProcessUsage.tree(root: postgres)
        let benchBefore = ProcessUsage.current
        let sent = counters.value(.heartbeatsSent)
        let acks = counters.value(.heartbeatAcks)
        let reports = counters.value(.reportsSent)
        try await Task.sleep(for: duration)
        let elapsed = (ContinuousClock.now - started).seconds
        let centralAfter = ProcessUsage.of(pid: central)
        func share(_ before: ProcessUsage?, _ after: ProcessUsage?) -> Double {
            guard let before, let after else { return .nan }
            return (after.cpu - before.cpu).seconds / elapsed
        }
        return UsageWindow(
            seconds: elapsed, centralCPUShare: share(centralBefore, centralAfter),
            centralRSSMiB: Double(centralAfter?.residentKiB ?? 0) / 1_024,
            centralPeakRSSMiB: Double(centralAfter?.peakResidentKiB ?? 0) / 1_024,
            postgresCPUShare: share(postgresBefore, ProcessUsage.tree(root: postgres)),
            benchCPUShare: share(benchBefore, ProcessUsage.current),
            heartbeatsSent: counters.value(.heartbeatsSent) - sent,
            heartbeatAcks: counters.value(.heartbeatAcks) - acks,
            reportsSent: counters.value(.reportsSent) - reports)
    }

    var json: [String: Any] {
        [
            "seconds": seconds, "central_cpu_share_of_one_core": centralCPUShare, "central_rss_mib": centralRSSMiB,
            "central_peak_rss_mib": centralPeakRSSMiB, "postgres_cpu_share_of_one_core": postgresCPUShare,
            "bench_cpu_share_of_one_core": benchCPUShare, "heartbeats_sent": heartbeatsSent,
            "heartbeat_acks": heartbeatAcks, "health_reports_sent": reportsSent,
        ]
    }
}
