/// The instant by which an I/O operation must finish, or `.never`.
///
/// Transport deadlines are real time on purpose: the kernel's epoll timeout counts real time, so
/// there is no clock to inject at this layer. Sans-I/O cores above convert their own (injected)
/// time budgets into a `Deadline` at the shell.
public struct Deadline: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `nil` means the operation may wait forever (until cancelled or closed).
    public let instant: ContinuousClock.Instant?

    public static let never = Deadline(instant: nil)

    public static func at(_ instant: ContinuousClock.Instant) -> Deadline {
        Deadline(instant: instant)
    }

    /// A deadline `duration` from now.
    public static func after(_ duration: Duration) -> Deadline {
        Deadline(instant: ContinuousClock.now.advanced(by: duration))
    }

    private init(instant: ContinuousClock.Instant?) {
        self.instant = instant
    }

    /// True once the deadline is in the past; `.never` never passes.
    public var hasPassed: Bool {
        guard let instant else { return false }
        return instant <= ContinuousClock.now
    }

    /// The time left, clamped at zero; `nil` for `.never`.
    public var remaining: Duration? {
        guard let instant else { return nil }
        let left = instant - ContinuousClock.now
        return left < .zero ? .zero : left
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        switch (lhs.instant, rhs.instant) {
        case (nil, _): false
        case (.some, nil): true
        case (.some(let left), .some(let right)): left < right
        }
    }

    public var description: String {
        guard let remaining else { return "never" }
        return "in \(remaining)"
    }
}
