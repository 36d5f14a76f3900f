public import Foundation
import Synchronization

/// One log record of a satellite or its sidecars, as kept for the live log view.
public struct LogRecord: Codable, Sendable, Equatable {
    /// trace, debug, info, notice, warning, error, critical
    public var level: String
    public var message: String
    public var fields: [String: String]
    public var timestamp: Date
    public var logger: String
    public var origin: String
    public var podName: String

    enum CodingKeys: String, CodingKey {
        case level, message, fields, timestamp, logger, origin
        case podName = "pod_name"
    }

    public init(
        level: String, message: String, fields: [String: String], timestamp: Date, logger: String, origin: String,
        podName: String
    ) {
        self.level = level
        self.message = message
        self.fields = fields
        self.timestamp = timestamp
        self.logger = logger
        self.origin = origin
        self.podName = podName
    }

    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    var levelRank: Int { Self.levels.firstIndex(of: level) ?? 0 }
}

/// Recent log records per satellite in bounded rings (memory only: logs are a live diagnostic,
/// not an archive) and live subscribers per satellite with bounded queues.
public final class SatelliteLogs: Sendable {
    public let capacityPerSatellite: Int
    public let subscriberQueueCapacity: Int

    private struct State {
        var rings: [UUID: [LogRecord]] = [:]
        var subscribers: [UUID: [UInt64: AsyncStream<LogRecord>.Continuation]] = [:]
        var nextSubscriber: UInt64 = 0
    }

    private let state = Mutex(State())

    public init(capacityPerSatellite: Int = 1000, subscriberQueueCapacity: Int = 256) {
        self.capacityPerSatellite = capacityPerSatellite
        self.subscriberQueueCapacity = subscriberQueueCapacity
    }

    /// Stores a record (message and fields scrubbed of secrets) and hands it to live subscribers.
    public func append(_ record: LogRecord, satelliteID: UUID) {
        var clean = record
        clean.message = SecretScrubber.scrub(text: String(record.message.prefix(4096)))
        clean.fields = SecretScrubber.scrub(record.fields)
        let listeners = state.withLock { state -> [UInt64: AsyncStream<LogRecord>.Continuation] in
            var ring = state.rings[satelliteID, default: []]
            ring.append(clean)
            if ring.count > capacityPerSatellite { ring.removeFirst(ring.count - capacityPerSatellite) }
            state.rings[satelliteID] = ring
            return state.subscribers[satelliteID] ?? [:]
        }
        for (id, continuation) in listeners {
            if case .dropped = continuation.yield(clean) { unsubscribe(satelliteID: satelliteID, id: id) }
        }
    }

    /// The newest `limit` records at or above `minimumLevel`, oldest first.
    public func recent(satelliteID: UUID, limit: Int, minimumLevel: String = "trace") -> [LogRecord] {
        let minimum = LogRecord.levels.firstIndex(of: minimumLevel) ?? 0
        let ring = state.withLock { $0.rings[satelliteID] ?? [] }
        return Array(ring.filter { $0.levelRank >= minimum }.suffix(limit))
    }

    public func subscribe(satelliteID: UUID) -> (id: UInt64, records: AsyncStream<LogRecord>) {
        let (stream, continuation) = AsyncStream<LogRecord>.makeStream(
            bufferingPolicy: .bufferingOldest(subscriberQueueCapacity))
        let id = state.withLock { state -> UInt64 in
            state.nextSubscriber += 1
            state.subscribers[satelliteID, default: [:]][state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(satelliteID: satelliteID, id: id) }
        return (id, stream)
    }

    public func unsubscribe(satelliteID: UUID, id: UInt64) {
        let continuation = state.withLock { $0.subscribers[satelliteID]?.removeValue(forKey: id) }
        continuation?.finish()
    }
}
