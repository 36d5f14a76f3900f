import Synchronization

/// The stream's state for /status and /metrics, shared by the link and the status port.
public final class SatelliteLinkStatistics: Sendable {
    struct Counts {
        var connected = false
        var connections = 0
        var commands = 0
    }

    private let counts = Mutex(Counts())

    public init() {}

    /// The satellite answered on a new stream.
    func streamEstablished() {
        counts.withLock {
            $0.connected = true; $0.connections += 1
        }
    }
    func streamEnded() { counts.withLock { $0.connected = false } }
    func commandAnswered() { counts.withLock { $0.commands += 1 } }

    public var isConnected: Bool { counts.withLock { $0.connected } }
    /// Streams the satellite answered on since the start.
    public var connections: Int { counts.withLock { $0.connections } }
    /// Commands answered with a CommandResult since the start.
    public var commandsAnswered: Int { counts.withLock { $0.commands } }
}
