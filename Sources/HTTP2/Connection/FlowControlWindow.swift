/// One flow-control window (RFC 9113 §6.9): how many DATA bytes may still be sent.
///
/// The size may go negative when the peer lowers SETTINGS_INITIAL_WINDOW_SIZE
/// (§6.9.2); it may never exceed 2^31 - 1. Methods report an overflow instead of
/// throwing, because whether it is a stream or a connection error depends on
/// which window it is (§6.9.1).
struct FlowControlWindow: Hashable, Sendable {
    static let maxSize = Int(HTTP2Settings.maxWindowSize)

    private(set) var size: Int

    init(size: Int) {
        self.size = size
    }

    /// Applies a WINDOW_UPDATE increment; false (and unchanged) if the window would overflow.
    mutating func increase(by increment: UInt32) -> Bool {
        adjust(by: Int(increment))
    }

    /// Applies a change of the initial window size to an existing window (§6.9.2).
    mutating func adjust(by delta: Int) -> Bool {
        guard size + delta <= Self.maxSize else { return false }
        size += delta
        return true
    }

    /// Spends bytes; the caller checked they fit.
    mutating func consume(_ byteCount: Int) {
        size -= byteCount
    }
}

/// The receiving side of one window: what the peer may send us, and when to let it send more.
///
/// The application reports the bytes it has consumed; once half of the window
/// is consumed but not yet announced, a WINDOW_UPDATE is due. Announcing at
/// half keeps the peer streaming without sending an update per frame.
struct InboundFlowControl: Hashable, Sendable {
    private(set) var window: FlowControlWindow
    /// The window we want the peer to have: our initial window size (streams) or configured size (connection).
    private(set) var targetSize: Int
    /// Received and delivered, not yet reported consumed.
    private(set) var buffered = 0
    /// Consumed, not yet announced with WINDOW_UPDATE.
    private(set) var unannounced = 0

    init(initialSize: Int, targetSize: Int) {
        self.window = FlowControlWindow(size: initialSize)
        self.targetSize = targetSize
    }

    /// Accounts for a received flow-controlled frame; false if it exceeds the window we granted.
    mutating func receive(_ byteCount: Int) -> Bool {
        guard byteCount <= window.size else { return false }
        window.consume(byteCount)
        buffered += byteCount
        return true
    }

    /// Records consumed bytes and returns the increment to announce, if one is due.
    /// Reports beyond what was received are clamped, so the window can never overflow.
    mutating func consume(_ byteCount: Int) -> UInt32? {
        let accepted = min(max(byteCount, 0), buffered)
        buffered -= accepted
        unannounced += accepted
        return takeDueIncrement()
    }

    /// Raises the target window (the connection-level window at start-up); returns the increment to send.
    mutating func grow(to newTarget: Int) -> UInt32? {
        guard newTarget > targetSize else { return nil }
        unannounced += newTarget - targetSize
        targetSize = newTarget
        return takeDueIncrement(force: true)
    }

    /// Applies our acknowledged SETTINGS_INITIAL_WINDOW_SIZE (§6.9.2): the peer shifted its view too.
    mutating func changeInitialSize(to newSize: Int) {
        let delta = newSize - targetSize
        targetSize = newSize
        // Cannot overflow: the window never exceeds the largest target we granted.
        _ = window.adjust(by: delta)
    }

    private mutating func takeDueIncrement(force: Bool = false) -> UInt32? {
        guard unannounced > 0, force || unannounced >= max(1, targetSize / 2) else { return nil }
        let increment = min(unannounced, FlowControlWindow.maxSize - max(window.size, 0))
        guard increment > 0 else { return nil }
        unannounced -= increment
        _ = window.increase(by: UInt32(increment))
        return UInt32(increment)
    }
}
