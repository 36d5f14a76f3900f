/// A binary min-heap of (deadline, waiter id) pairs.
///
/// Entries are removed lazily: a waiter that is woken or cancelled leaves its entry behind, and
/// `WaiterTable` skips entries whose id is gone and compacts the heap when stale entries
/// outnumber live ones, so the heap stays proportional to the live waiters.
struct DeadlineHeap {
    struct Entry: Equatable {
        let instant: ContinuousClock.Instant
        let id: UInt64
    }

    private var entries: [Entry] = []

    var count: Int { entries.count }
    var top: Entry? { entries.first }

    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        siftUp(from: entries.count - 1)
    }

    @discardableResult
    mutating func popTop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        if !entries.isEmpty { siftDown(from: 0) }
        return top
    }

    /// Rebuilds the heap from the entries `keep` accepts.
    mutating func compact(keeping keep: (Entry) -> Bool) {
        entries = entries.filter(keep)
        for index in stride(from: entries.count / 2 - 1, through: 0, by: -1) {
            siftDown(from: index)
        }
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].instant < entries[parent].instant else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].instant < entries[smallest].instant { smallest = left }
            if right < entries.count, entries[right].instant < entries[smallest].instant { smallest = right }
            guard smallest != parent else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
