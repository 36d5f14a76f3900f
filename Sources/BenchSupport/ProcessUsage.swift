import Foundation

/// CPU time and memory of processes, from /proc (Linux).
public struct ProcessUsage: Sendable, Equatable {
    /// User plus system CPU time.
    public var cpu: Duration
    /// Resident memory now (VmRSS), in KiB.
    public var residentKiB: Int
    /// Peak resident memory (VmHWM), in KiB.
    public var peakResidentKiB: Int

    /// One process; nil when it is gone.
    public static func of(pid: Int32) -> ProcessUsage? {
        guard let stat = ProcStat(pid: pid) else { return nil }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return ProcessUsage(
            cpu: stat.cpu, residentKiB: field("VmRSS:", in: status), peakResidentKiB: field("VmHWM:", in: status))
    }

    /// A process and every descendant (PostgreSQL's postmaster and its backends), summed.
    public static func tree(root: Int32) -> ProcessUsage? {
        guard var total = of(pid: root) else { return nil }
        let all = processes()
        var frontier = [root]
        var seen: Set<Int32> = [root]
        while let parent = frontier.popLast() {
            for stat in all where stat.parent == parent && !seen.contains(stat.pid) {
                seen.insert(stat.pid)
                frontier.append(stat.pid)
                if let usage = of(pid: stat.pid) {
                    total.cpu += usage.cpu
                    total.residentKiB += usage.residentKiB
                    total.peakResidentKiB += usage.peakResidentKiB
                }
            }
        }
        return total
    }

    /// This process.
    public static var current: ProcessUsage? { of(pid: getpid()) }

    private static func field(_ name: String, in status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
                ?? 0
        }
        return 0
    }

    private static func processes() -> [ProcStat] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.compactMap { ProcStat(pid: $0) }
    }
}

/// The fields of /proc/PID/stat this module needs.
struct ProcStat {
    let pid: Int32
    let parent: Int32
    let cpu: Duration

    init?(pid: Int32) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = text.lastIndex(of: ")")
        else { return nil }
        // After the name: state is field 3, ppid 4, utime 14, stime 15 (offsets 0, 1, 11, 12).
        let fields = text[text.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let parent = Int32(fields[1]), let user = Int64(fields[11]),
            let system = Int64(fields[12])
        else { return nil }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        self.pid = pid
        self.parent = parent
        cpu = .milliseconds((user + system) * 1_000 / ticksPerSecond)
    }
}

/// Percentiles of a sample (nearest rank).
public enum Percentiles {
    public static func of(_ samples: [Double], _ fractions: [Double]) -> [Double] {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return fractions.map { _ in .nan } }
        return fractions.map { fraction in
            sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
        }
    }
}

extension Duration {
    /// Milliseconds as a floating-point number.
    public var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }

    public var seconds: Double { milliseconds / 1_000 }
}
