public import Foundation
public import GRPC
public import PGSwarmAPI
import Synchronization

/// The live `Connect` streams, one per satellite: central's `SatelliteCommandSink`.
///
/// A new stream of a satellite replaces the older one (which ends ABORTED); a stream with no
/// message from the satellite for `idleTimeout` (6 heartbeat periods, see satellite_stream.proto)
/// is ended by `sweepIdle`. Messages for a satellite without a stream are refused (`send`
/// returns false): desired state reaches it through the snapshot on its next hello, and live
/// commands answer 409 over REST.
public final class SatelliteStreamHub: SatelliteCommandSink {
    /// Messages queued per stream before a satellite counts as not reading (see `StreamSession`).
    public let outboundCapacity: Int
    public let idleTimeout: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    private struct State {
        var sessions: [UUID: StreamSession] = [:]
        var nextGeneration: UInt64 = 0
    }

    private let state = Mutex(State())

    public init(
        idleTimeout: Duration, outboundCapacity: Int = 256,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.idleTimeout = idleTimeout
        self.outboundCapacity = outboundCapacity
        self.now = now
    }

    /// Registers a new stream of `satelliteID`; the one it replaces (if any) is ended and
    /// returned, so the caller can wait for its cleanup before recording the new connection.
    public func attach(_ satelliteID: UUID) -> (session: StreamSession, replaced: StreamSession?) {
        let (session, replaced) = state.withLock { state -> (StreamSession, StreamSession?) in
            state.nextGeneration += 1
            let session = StreamSession(
                satelliteID: satelliteID, generation: state.nextGeneration, capacity: outboundCapacity, now: now())
            let replaced = state.sessions.updateValue(session, forKey: satelliteID)
            return (session, replaced)
        }
        replaced?.end(GRPCStatus(.aborted, "replaced by a newer stream of this satellite"))
        return (session, replaced)
    }

    /// Forgets the stream if it is still the satellite's current one.
    public func detach(_ session: StreamSession) {
        state.withLock { state in
            if state.sessions[session.satelliteID] === session {
                state.sessions[session.satelliteID] = nil
            }
        }
    }

    public func send(_ message: Pgswarm_V1_CentralMessage, to satelliteID: UUID) async -> Bool {
        guard let session = state.withLock({ $0.sessions[satelliteID] }) else { return false }
        return session.enqueue(message)
    }

    public func isConnected(_ satelliteID: UUID) async -> Bool {
        state.withLock { $0.sessions[satelliteID] != nil }
    }

    public func revoke(_ satelliteID: UUID, reason: String) async {
        let session = state.withLock { $0.sessions.removeValue(forKey: satelliteID) }
        session?.end(GRPCStatus(.permissionDenied, reason))
    }

    /// Ends every stream that received nothing for `idleTimeout`; returns how many.
    @discardableResult
    public func sweepIdle() -> Int {
        let cutoff = now() - idleTimeout
        let idle = state.withLock { state in state.sessions.values.filter { $0.lastReceived < cutoff } }
        let seconds = idleTimeout.components.seconds
        for session in idle {
            session.end(GRPCStatus(.unavailable, "no message from the satellite for \(seconds) s"))
        }
        return idle.count
    }

    /// Ends every stream (central shutting down).
    public func endAll(_ status: GRPCStatus) {
        let all = state.withLock { state in Array(state.sessions.values) }
        for session in all { session.end(status) }
    }

    public var connectedCount: Int { state.withLock { $0.sessions.count } }

    func currentTime() -> ContinuousClock.Instant { now() }
}
