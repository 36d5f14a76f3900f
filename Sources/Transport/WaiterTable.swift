/// The readiness a waiter asks the event loop for.
enum IOInterest: Sendable, Equatable, CaseIterable {
    case readable
    case writable
}

/// The set of readiness kinds registered with the kernel for one descriptor.
struct InterestSet: OptionSet, Hashable {
    let rawValue: UInt8
    static let readable = InterestSet(rawValue: 1)
    static let writable = InterestSet(rawValue: 2)
}

/// A change the shell must make to the kernel's interest list (epoll_ctl).
enum InterestChange: Equatable {
    case add(fd: Int32, InterestSet)
    case modify(fd: Int32, InterestSet)
    case remove(fd: Int32)
}

/// The event loop's bookkeeping, with no I/O and no clock reads: who waits for which descriptor
/// and until when. Every mutation returns the tokens to wake and the kernel interest change to
/// apply, and the `EventLoop` shell performs them. `Token` is a continuation in production and a
/// plain value in tests.
struct WaiterTable<Token> {
    enum Target: Equatable {
        case descriptor(Int32, IOInterest)
        /// A pure timer: woken only by its deadline (or cancellation).
        case timer
    }

    private struct Waiter {
        let target: Target
        let deadline: ContinuousClock.Instant?
        let token: Token
    }

    private struct Descriptor {
        var readers: Set<UInt64> = []
        var writers: Set<UInt64> = []
        var registered: InterestSet = []

        var desired: InterestSet {
            var set: InterestSet = []
            if !readers.isEmpty { set.insert(.readable) }
            if !writers.isEmpty { set.insert(.writable) }
            return set
        }
    }

    private var waiters: [UInt64: Waiter] = [:]
    private var descriptors: [Int32: Descriptor] = [:]
    private var deadlines = DeadlineHeap()
    private var liveDeadlines = 0
    private var nextID: UInt64 = 1

    /// Stale heap entries tolerated beyond the live ones before compaction. Most waits finish
    /// long before their deadline, so without compaction a busy loop would keep one heap entry
    /// per finished wait for the whole deadline (e.g. 30 s of reads).
    private static var staleDeadlineSlack: Int { 64 }

    var count: Int { waiters.count }

    mutating func makeID() -> UInt64 {
        defer { nextID &+= 1 }
        return nextID
    }

    /// Adds a waiter; returns the kernel change its interest needs, if any.
    mutating func add(
        id: UInt64, target: Target, deadline: ContinuousClock.Instant?, token: Token
    ) -> InterestChange? {
        waiters[id] = Waiter(target: target, deadline: deadline, token: token)
        if let deadline {
            deadlines.insert(.init(instant: deadline, id: id))
            liveDeadlines += 1
        }
        guard case .descriptor(let fd, let interest) = target else { return nil }
        var descriptor = descriptors[fd, default: Descriptor()]
        switch interest {
        case .readable: descriptor.readers.insert(id)
        case .writable: descriptor.writers.insert(id)
        }
        descriptors[fd] = descriptor
        return reconcile(fd)
    }

    /// Removes one waiter (cancellation); nil if it was already woken.
    mutating func remove(id: UInt64) -> (token: Token, change: InterestChange?)? {
        guard let waiter = take(id) else { return nil }
        guard case .descriptor(let fd, _) = waiter.target else { return (waiter.token, nil) }
        return (waiter.token, reconcile(fd))
    }

    /// The kernel reported readiness (or an error/hangup, which wakes both directions).
    mutating func descriptorBecameReady(
        _ fd: Int32, readable: Bool, writable: Bool
    ) -> (woken: [Token], change: InterestChange?) {
        guard let descriptor = descriptors[fd] else { return ([], nil) }
        var ids: [UInt64] = []
        if readable { ids += descriptor.readers }
        if writable { ids += descriptor.writers }
        let woken = ids.compactMap { take($0)?.token }
        return (woken, reconcile(fd))
    }

    /// Wakes every waiter on `fd` (the descriptor is being closed or the kernel refused it).
    mutating func removeDescriptor(_ fd: Int32) -> (woken: [Token], change: InterestChange?) {
        guard let descriptor = descriptors[fd] else { return ([], nil) }
        let woken = (descriptor.readers.union(descriptor.writers)).compactMap { take($0)?.token }
        let change: InterestChange? = descriptor.registered.isEmpty ? nil : .remove(fd: fd)
        descriptors[fd] = nil
        return (woken, change)
    }

    /// Removes and returns every waiter whose deadline is at or before `now`.
    mutating func expire(now: ContinuousClock.Instant) -> (expired: [Token], changes: [InterestChange]) {
        var expired: [Token] = []
        var changes: [InterestChange] = []
        while let top = deadlines.top, top.instant <= now {
            deadlines.popTop()
            guard let waiter = take(top.id) else { continue }
            expired.append(waiter.token)
            if case .descriptor(let fd, _) = waiter.target, let change = reconcile(fd) {
                changes.append(change)
            }
        }
        return (expired, changes)
    }

    /// The earliest live deadline, discarding stale heap entries on the way.
    mutating func nextDeadline() -> ContinuousClock.Instant? {
        while let top = deadlines.top {
            if waiters[top.id] != nil { return top.instant }
            deadlines.popTop()
        }
        return nil
    }

    /// Removes every waiter (loop shutdown) and returns their tokens.
    mutating func removeAll() -> (woken: [Token], changes: [InterestChange]) {
        let woken = waiters.values.map(\.token)
        let changes = descriptors.compactMap { fd, descriptor in
            descriptor.registered.isEmpty ? nil : InterestChange.remove(fd: fd)
        }
        waiters = [:]
        descriptors = [:]
        deadlines = DeadlineHeap()
        liveDeadlines = 0
        return (woken, changes)
    }

    private mutating func take(_ id: UInt64) -> Waiter? {
        guard let waiter = waiters.removeValue(forKey: id) else { return nil }
        if case .descriptor(let fd, let interest) = waiter.target {
            switch interest {
            case .readable: descriptors[fd]?.readers.remove(id)
            case .writable: descriptors[fd]?.writers.remove(id)
            }
        }
        if waiter.deadline != nil {
            liveDeadlines -= 1
            compactDeadlinesIfMostlyStale()
        }
        return waiter
    }

    private mutating func compactDeadlinesIfMostlyStale() {
        guard deadlines.count > 2 * liveDeadlines + Self.staleDeadlineSlack else { return }
        let live = waiters
        deadlines.compact { live[$0.id] != nil }
    }

    /// Brings the registered interest of `fd` in line with its waiters.
    private mutating func reconcile(_ fd: Int32) -> InterestChange? {
        guard var descriptor = descriptors[fd] else { return nil }
        let desired = descriptor.desired
        let registered = descriptor.registered
        if desired.isEmpty {
            descriptors[fd] = nil
            return registered.isEmpty ? nil : .remove(fd: fd)
        }
        guard desired != registered else { return nil }
        descriptor.registered = desired
        descriptors[fd] = descriptor
        return registered.isEmpty ? .add(fd: fd, desired) : .modify(fd: fd, desired)
    }
}
