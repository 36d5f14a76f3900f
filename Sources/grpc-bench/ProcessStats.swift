import Foundation
import Glibc

/// Resident memory and CPU time of processes, from /proc and getrusage.
enum ProcessStats {
    /// VmRSS of a process, in KiB.
    static func residentKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// User plus system CPU time of another process (fields 14 and 15 of /proc/PID/stat).
    static func cpuTime(pid: Int32) -> Duration? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        // After the name: state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .milliseconds((user + system) * 1_000 / ticksPerSecond)
    }

    /// User plus system CPU time of this process.
    static func ownCPUTime() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func duration(_ time: timeval) -> Duration {
            .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
        }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }
}

/// A child process that printed `listening on port N`; terminated by its pid.
final class ChildServer {
    let process: Process
    let port: UInt16

    init(executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var buffer = Data()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            buffer += chunk
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on port "),
                let line = text[range.upperBound...].split(separator: "\n").first, let port = UInt16(line)
            {
                self.port = port
                return
            }
        }
        process.terminate()
        throw BenchError("\(executable) did not start")
    }

    var pid: Int32 { process.processIdentifier }

    /// SIGTERM, then SIGKILL if the process is still there after `stopGracePeriod`.
    func stop() {
        process.terminate()
        let deadline = ContinuousClock.now + Self.stopGracePeriod
        while process.isRunning && ContinuousClock.now < deadline {
            usleep(10_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// How long a child gets to exit after SIGTERM.
    static let stopGracePeriod = Duration.seconds(5)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
