import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing

@testable import FailoverSimulation

/// The seed sweep, run once and shared by the tests that read it.
///
/// Environment: `PGSWARM_SIM_SEEDS` (how many seeds, default 10 000), `PGSWARM_SIM_BASE` (first
/// seed, default fixed so that `swift test` is reproducible; `random` explores new seeds).
enum SeedSweep {
    static let defaultSeeds = 10_000
    static let defaultBase: UInt64 = 0x5EED_0000

    /// The sweep runs once per process, whichever test asks first; the others wait for it.
    static let shared = Task<SimulationSummary, Never> { await runOffThePool() }

    static var summary: SimulationSummary {
        get async { await shared.value }
    }

    static var seedCount: Int {
        ProcessInfo.processInfo.environment["PGSWARM_SIM_SEEDS"].flatMap(Int.init) ?? defaultSeeds
    }

    static var base: UInt64 {
        switch ProcessInfo.processInfo.environment["PGSWARM_SIM_BASE"] {
        case "random": UInt64.random(in: 0...(UInt64.max / 2))
        case let text?: UInt64(text) ?? defaultBase
        case nil: defaultBase
        }
    }

    /// Runs the seeds on threads of its own at the lowest CPU priority. The sweep is CPU-bound for
    /// tens of seconds; on Swift's cooperative pool (two threads here) or at normal priority it
    /// would starve the I/O tests running beside it until their deadlines fire.
    private static func runOffThePool() async -> SimulationSummary {
        let count = seedCount
        let first = base
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let results = Mutex(SimulationSummary())
        let remaining = Mutex(workers)
        let started = ContinuousClock.now
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for worker in 0..<workers {
                let thread = Thread {
                    setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                    var partial = SimulationSummary()
                    for offset in stride(from: worker, to: count, by: workers) {
                        partial.add(Simulator.run(seed: first &+ UInt64(offset)))
                    }
                    results.withLock { $0.merge(partial) }
                    if remaining.withLock({ count in
                        count -= 1
                        return count == 0
                    }) {
                        done.resume()
                    }
                }
                thread.name = "simulation-\(worker)"
                thread.start()
            }
        }
        let summary = results.withLock { $0 }
        print("failover simulation: seeds \(first)..<\(first &+ UInt64(count)) in \(ContinuousClock.now - started)")
        print(summary)
        return summary
    }
}

@Suite("Deterministic simulation of the failover sidecars")
struct FailoverSimulationTests {
    @Test("every seeded scenario keeps the safety invariants and converges after healing")
    func seedSweep() async {
        let summary = await SeedSweep.summary
        #expect(summary.runs == SeedSweep.seedCount)
        // Every failing seed on one line (bounded), the first few with the end of their trace.
        for failure in summary.failures.sorted(by: { $0.seed < $1.seed }).prefix(200) {
            print("FAILED \(failure.description.split(separator: "\n").joined(separator: " | "))")
        }
        for failure in summary.failures.sorted(by: { $0.seed < $1.seed }).prefix(3) {
            let replay = Simulator.run(seed: failure.seed, tracing: true)
            print(replay.trace.prefix(6).joined(separator: "\n"))
            print("...\n" + replay.trace.suffix(60).joined(separator: "\n"))
        }
        #expect(
            summary.failures.isEmpty,
            "\(summary.failures.count) seeds failed; first: \(summary.failures.first?.description ?? "")")
    }

    @Test("the seed sweep goes through every rare branch at least once")
    func coverageMarks() async {
        guard SeedSweep.seedCount >= SeedSweep.defaultSeeds else { return }  // too few seeds to promise it
        let summary = await SeedSweep.summary
        for mark in CoverageMark.allCases {
            #expect((summary.marks[mark] ?? 0) > 0, "never reached: \(mark.rawValue)")
        }
        #expect(summary.promotions > 0)
        #expect(summary.faults.count == FaultKind.allCases.count)
    }

    @Test("the same seed gives a byte-identical trace; another seed does not")
    func determinism() {
        let seed: UInt64 = 7_042_846  // a run with faults, failovers, rewinds and a synchronous standby
        let first = Simulator.run(seed: seed, tracing: true)
        let second = Simulator.run(seed: seed, tracing: true)
        #expect(first.trace.count > 50)
        #expect(first.trace.joined(separator: "\n") == second.trace.joined(separator: "\n"))
        #expect(first.statistics.events == second.statistics.events)
        #expect(first.statistics.promotions > 0)
        let other = Simulator.run(seed: seed + 1, tracing: true)
        #expect(other.trace != first.trace)
        // Tracing changes nothing but the trace.
        let silent = Simulator.run(seed: seed)
        #expect(silent.statistics.events == first.statistics.events)
        #expect(silent.statistics.decisions == first.statistics.decisions)
    }

    @Test("the checker has teeth: clocks drifting beyond the configured bound do produce a split brain")
    func checkerFindsDriftBeyondBound() {
        var found: SimulationFailure?
        for seed in UInt64(1)...400 where found == nil {
            var options = SimulationOptions(seed: seed, clockDriftBeyondBound: true)
            // Long partitions of the primary from the API server, nothing else.
            options.faults.weights = [.apiPartition: 1]
            options.faults.count = 3
            options.faults.primaryBias = 4
            found = Simulator(options: options).run().failure
        }
        #expect(found?.category == .safety, "no split brain found with clocks 25 % off")
        if let found { print("with clocks beyond the bound, as expected: \(found)") }
    }

    @Test("a seed named in PGSWARM_SIM_SEED replays with its full trace")
    func replay() {
        guard let text = ProcessInfo.processInfo.environment["PGSWARM_SIM_SEED"], let seed = UInt64(text) else {
            return
        }
        let result = Simulator.run(seed: seed, tracing: true)
        print(result.trace.joined(separator: "\n"))
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
    }
}
