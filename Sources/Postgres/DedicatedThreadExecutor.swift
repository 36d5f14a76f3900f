import Dispatch
import PosixThreads
import Synchronization

/// A serial executor that runs every job on one thread of its own.
///
/// A session's socket calls block. An actor that uses this executor runs its methods, and therefore
/// those calls, on that thread, so Swift's cooperative pool is never blocked. The thread ends after
/// `shutdown()` once the queued jobs have run.
final class DedicatedThreadExecutor: SerialExecutor, Sendable {
    private struct Queue {
        var jobs: [UnownedJob] = []
        var shuttingDown = false
    }
    private let queue = Mutex(Queue())
    /// Signalled once per enqueue and on shutdown; the worker may find a batch already taken
    /// by an earlier wake-up, and then simply waits again.
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Throws when the system refuses another thread.
    init(name: String) throws(ThreadStartError) {
        try DetachedThread.start(named: name) { [self] in runLoop() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        wakeUp.signal()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the queued jobs and exit.
    func shutdown() {
        queue.withLock { $0.shuttingDown = true }
        wakeUp.signal()
    }

    private func runLoop() {
        while true {
            wakeUp.wait()
            let (batch, stop) = queue.withLock { queue in
                defer { queue.jobs.removeAll(keepingCapacity: true) }
                return (queue.jobs, queue.shuttingDown)
            }
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            if stop && batch.isEmpty { return }
        }
    }
}
