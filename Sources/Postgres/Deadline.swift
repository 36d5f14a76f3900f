import Glibc

/// A point on the monotonic clock (CLOCK_MONOTONIC), for the wire client's I/O waits.
struct Deadline: Comparable {
    let nanoseconds: UInt64

    static func now() -> Deadline {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Deadline(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    static func after(seconds: Double) -> Deadline {
        Deadline(nanoseconds: now().nanoseconds &+ UInt64(max(0, seconds) * 1e9))
    }

    static let never = Deadline(nanoseconds: .max)

    /// Milliseconds left, rounded up, for poll(2); 0 if passed; -1 (infinite) for `never`.
    var pollTimeoutMilliseconds: Int32 {
        if self == .never { return -1 }
        let current = Deadline.now().nanoseconds
        guard nanoseconds > current else { return 0 }
        return Int32(min(UInt64(Int32.max), (nanoseconds - current + 999_999) / 1_000_000))
    }

    var hasPassed: Bool { self != .never && Deadline.now() >= self }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
