public import Foundation
public import PGSwarmAPI

/// Where central's messages to satellites go: the gRPC layer implements it with each
/// satellite's open `SatelliteStreamService.Connect` stream.
///
/// Desired-state messages (cluster configs, deletions) need no open stream: they are stored
/// first, and a satellite that connects later gets a `DesiredState` snapshot. Commands that only
/// make sense live (switchover, log level, storage-class refresh) are refused with 409 by the
/// REST API when `isConnected` is false.
public protocol SatelliteCommandSink: Sendable {
    /// Queues `message` on the satellite's stream; false when it has no open stream.
    func send(_ message: Pgswarm_V1_CentralMessage, to satelliteID: UUID) async -> Bool
    func isConnected(_ satelliteID: UUID) async -> Bool
    /// The satellite's token was revoked (it was replaced): end its stream for good
    /// (PERMISSION_DENIED, which tells it not to reconnect).
    func revoke(_ satelliteID: UUID, reason: String) async
}

/// An in-memory sink for tests: records every message and treats the satellites marked
/// connected as online.
public actor RecordingCommandSink: SatelliteCommandSink {
    public private(set) var sent: [(satelliteID: UUID, message: Pgswarm_V1_CentralMessage)] = []
    private var connected: Set<UUID> = []

    public init() {}

    public func markConnected(_ satelliteID: UUID, _ isConnected: Bool = true) {
        if isConnected { connected.insert(satelliteID) } else { connected.remove(satelliteID) }
    }

    public func send(_ message: Pgswarm_V1_CentralMessage, to satelliteID: UUID) async -> Bool {
        guard connected.contains(satelliteID) else { return false }
        sent.append((satelliteID, message))
        return true
    }

    public func isConnected(_ satelliteID: UUID) async -> Bool { connected.contains(satelliteID) }

    public func revoke(_ satelliteID: UUID, reason: String) async { connected.remove(satelliteID) }

    public func messages(to satelliteID: UUID) -> [Pgswarm_V1_CentralMessage] {
        sent.filter { $0.satelliteID == satelliteID }.map(\.message)
    }

    public func clear() { sent.removeAll() }
}
