/// Simulated real time in microseconds since the start of a run. Each node reads its own
/// drifting monotonic clock from it (`SimulatedClock`); nothing in the decision core sees it.
typealias SimulatedTime = Int64

/// A binary min-heap of events ordered by time, then by insertion order, so that events at the
/// same instant run in a deterministic order.
struct EventQueue {
    private struct Entry {
        let time: SimulatedTime
        let order: UInt64
        let event: SimulationEvent
    }

    private var heap: [Entry] = []
    private var inserted: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }

    mutating func schedule(_ event: SimulationEvent, at time: SimulatedTime) {
        inserted += 1
        heap.append(Entry(time: time, order: inserted, event: event))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: SimulatedTime, event: SimulationEvent)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && precedes(left, smallest) { smallest = left }
            if right < heap.count && precedes(right, smallest) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (first.time, first.event)
    }

    private func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
        let left = heap[lhs]
        let right = heap[rhs]
        return left.time < right.time || (left.time == right.time && left.order < right.order)
    }
}

/// Everything that can happen in a run.
enum SimulationEvent {
    /// The sidecar's next cycle, or the end of its current operation.
    case sidecarWake(node: Int, token: Int)
    /// The sidecar's deadline timer: the tenure ends while an operation is still in flight.
    case tenureDeadline(node: Int, token: Int)
    /// A request (kept in `Simulator.requestsInFlight`) reaches the API server and takes effect.
    case storeApply(request: Int)
    /// The supervisor finished starting, restarting or rebuilding PostgreSQL.
    case postgresSettled(node: Int, generation: Int)
    /// The supervisor's watchdog checks its deadline.
    case watchdog(node: Int)
    case clientWrite
    case failsafeRequestArrives(from: Int, to: Int, round: Int)
    case failsafeAnswerArrives(from: Int, to: Int, round: Int)
    case fault(FaultEvent)
    /// A stopped pod is recreated.
    case podRestart(node: Int)
    case startLivenessPhase
}
