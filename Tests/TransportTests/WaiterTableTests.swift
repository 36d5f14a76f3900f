import Testing

@testable import Transport

@Suite("Waiter table (event loop bookkeeping, no I/O)")
struct WaiterTableTests {
    let start = ContinuousClock.now

    @Test("The first waiter on a descriptor registers its interest with the kernel")
    func firstWaiterAddsInterest() {
        var table = WaiterTable<String>()
        let change = table.add(id: table.makeID(), target: .descriptor(5, .readable), deadline: nil, token: "reader")
        #expect(change == .add(fd: 5, .readable))
    }

    @Test("A writer joining a reader widens the interest, and readiness wakes only the reader")
    func readinessWakesMatchingDirection() {
        var table = WaiterTable<String>()
        _ = table.add(id: table.makeID(), target: .descriptor(5, .readable), deadline: nil, token: "reader")
        let widened = table.add(id: table.makeID(), target: .descriptor(5, .writable), deadline: nil, token: "writer")
        #expect(widened == .modify(fd: 5, [.readable, .writable]))
        let (woken, change) = table.descriptorBecameReady(5, readable: true, writable: false)
        #expect(woken == ["reader"])
        #expect(change == .modify(fd: 5, .writable))
        #expect(table.count == 1)
    }

    @Test("Waking the last waiter removes the descriptor from the kernel's interest list")
    func lastWakeRemovesInterest() {
        var table = WaiterTable<String>()
        _ = table.add(id: table.makeID(), target: .descriptor(7, .writable), deadline: nil, token: "writer")
        let (woken, change) = table.descriptorBecameReady(7, readable: true, writable: true)
        #expect(woken == ["writer"])
        #expect(change == .remove(fd: 7))
    }

    @Test("Two waiters for the same direction are both woken")
    func sameDirectionWaitersAllWake() {
        var table = WaiterTable<String>()
        _ = table.add(id: table.makeID(), target: .descriptor(3, .readable), deadline: nil, token: "a")
        let second = table.add(id: table.makeID(), target: .descriptor(3, .readable), deadline: nil, token: "b")
        #expect(second == nil)
        let (woken, _) = table.descriptorBecameReady(3, readable: true, writable: false)
        #expect(Set(woken) == ["a", "b"])
    }

    @Test("Deadlines expire in order and only once they are due")
    func deadlinesExpireInOrder() {
        var table = WaiterTable<String>()
        _ = table.add(id: table.makeID(), target: .timer, deadline: start + .milliseconds(30), token: "late")
        _ = table.add(
            id: table.makeID(), target: .descriptor(4, .readable), deadline: start + .milliseconds(10), token: "early")
        #expect(table.nextDeadline() == start + .milliseconds(10))
        #expect(table.expire(now: start + .milliseconds(5)).expired.isEmpty)
        let first = table.expire(now: start + .milliseconds(10))
        #expect(first.expired == ["early"])
        #expect(first.changes == [.remove(fd: 4)])
        #expect(table.nextDeadline() == start + .milliseconds(30))
        #expect(table.expire(now: start + .seconds(1)).expired == ["late"])
        #expect(table.nextDeadline() == nil)
    }

    @Test("A removed (cancelled) waiter is neither woken nor expired")
    func removedWaiterIsGone() {
        var table = WaiterTable<String>()
        let id = table.makeID()
        _ = table.add(id: id, target: .descriptor(9, .readable), deadline: start + .milliseconds(1), token: "gone")
        let removed = table.remove(id: id)
        #expect(removed?.token == "gone")
        #expect(removed?.change == .remove(fd: 9))
        #expect(table.remove(id: id) == nil)
        #expect(table.descriptorBecameReady(9, readable: true, writable: true).woken.isEmpty)
        #expect(table.expire(now: start + .seconds(1)).expired.isEmpty)
        #expect(table.nextDeadline() == nil)
    }

    @Test("Removing a descriptor wakes all its waiters and unregisters it")
    func removeDescriptorWakesAll() {
        var table = WaiterTable<String>()
        _ = table.add(id: table.makeID(), target: .descriptor(6, .readable), deadline: nil, token: "r")
        _ = table.add(id: table.makeID(), target: .descriptor(6, .writable), deadline: nil, token: "w")
        let (woken, change) = table.removeDescriptor(6)
        #expect(Set(woken) == ["r", "w"])
        #expect(change == .remove(fd: 6))
        #expect(table.count == 0)
    }

    @Test("Finished waits do not pile up stale deadline entries without bound")
    func staleDeadlinesAreCompacted() {
        var table = WaiterTable<Int>()
        // Each wait is satisfied long before its deadline, as reads on a busy connection are.
        for round in 0..<10_000 {
            _ = table.add(
                id: table.makeID(), target: .descriptor(8, .readable), deadline: start + .seconds(30), token: round)
            _ = table.descriptorBecameReady(8, readable: true, writable: false)
        }
        #expect(table.count == 0)
        #expect(table.nextDeadline() == nil)
        #expect(table.expire(now: start + .seconds(60)).expired.isEmpty)
    }
}

@Suite("Deadline heap")
struct DeadlineHeapTests {
    @Test("Entries come out in deadline order whatever the insertion order")
    func popsInOrder() {
        let start = ContinuousClock.now
        var heap = DeadlineHeap()
        let offsets = [50, 10, 40, 30, 20, 60, 0, 15]
        for (id, offset) in offsets.enumerated() {
            heap.insert(.init(instant: start + .milliseconds(offset), id: UInt64(id)))
        }
        var popped: [Int] = []
        while let entry = heap.popTop() { popped.append(offsets[Int(entry.id)]) }
        #expect(popped == offsets.sorted())
    }
}
