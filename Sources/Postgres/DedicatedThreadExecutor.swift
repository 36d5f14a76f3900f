import Foundation
import Synchronization

/// A serial executor that runs every job on one thread of its own.
///
/// libpq calls block. An actor that uses this executor runs its methods, and therefore its libpq
/// calls, on that thread, so Swift's cooperative pool is never blocked. The thread ends after
/// `shutdown()` once the queued jobs have run.
final class DedicatedThreadExecutor: SerialExecutor, Sendable {
    private struct Queue {
        var jobs: [UnownedJob] = []
        var shuttingDown = false
    }
    private let queue = Mutex(Queue())
    /// Signals the worker thread that jobs arrived or shutdown was requested.
    private let wakeUp = NSCondition()

    init(name: String) {
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        wakeUp.lock()
        wakeUp.signal()
        wakeUp.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the queued jobs and exit.
    func shutdown() {
        queue.withLock { $0.shuttingDown = true }
        wakeUp.lock()
        wakeUp.signal()
        wakeUp.unlock()
    }

    private func runLoop() {
        while true {
            wakeUp.lock()
            var batch: [UnownedJob] = []
            var stop = false
            while true {
                (batch, stop) = queue.withLock { queue in
                    defer { queue.jobs.removeAll(keepingCapacity: true) }
                    return (queue.jobs, queue.shuttingDown)
                }
                if !batch.isEmpty || stop { break }
                wakeUp.wait()
            }
            wakeUp.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            if stop && batch.isEmpty { return }
        }
    }
}
