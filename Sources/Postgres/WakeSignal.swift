import CPosixShims
import Glibc
import Synchronization

/// Interrupts a connection's poll loop from another thread: a task cancellation handler raises it,
/// the thread blocked in poll(2) on the connection's socket wakes up and sees why.
final class WakeSignal: Sendable {
    let fileDescriptor: Int32
    private let raised = Atomic<Bool>(false)

    init() {
        fileDescriptor = pgswarm_eventfd_create()
        precondition(fileDescriptor >= 0, "eventfd failed: \(errno)")
    }

    deinit { close(fileDescriptor) }

    func raise() {
        raised.store(true, ordering: .sequentiallyConsistent)
        var one: UInt64 = 1
        _ = write(fileDescriptor, &one, 8)
    }

    /// Whether the signal was raised since the last `reset()`.
    var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }

    func reset() {
        raised.store(false, ordering: .sequentiallyConsistent)
        var value: UInt64 = 0
        _ = read(fileDescriptor, &value, 8)
    }
}
