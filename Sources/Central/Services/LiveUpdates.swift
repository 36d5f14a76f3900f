import Foundation
import Synchronization

/// Fan-out of incremental change messages to dashboard clients (server-sent events).
///
/// Each message names what changed and carries only that entity (`cluster.updated` with the
/// cluster, `cluster.deleted` with its id...), never the whole fleet. Every subscriber has a
/// bounded queue; a client that falls `capacity` messages behind is disconnected (its stream
/// ends) rather than slowing anyone down. It reconnects and reloads, which is cheaper than
/// central buffering without bound. Publishing never waits.
public final class LiveUpdates: Sendable {
    public let capacity: Int
    private let subscribers = Mutex<[UInt64: AsyncStream<[UInt8]>.Continuation]>([:])
    private let nextID = Atomic<UInt64>(0)
    private let dropped = Atomic<Int>(0)

    public init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// A new subscriber's stream of SSE frames, starting with a `hello` frame.
    public func subscribe() -> (id: UInt64, frames: AsyncStream<[UInt8]>) {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        continuation.yield(Self.frame(type: "hello", json: Array("{}".utf8)))
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    public func unsubscribe(_ id: UInt64) {
        let continuation = subscribers.withLock { $0.removeValue(forKey: id) }
        continuation?.finish()
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
    /// Subscribers disconnected for falling behind, since start.
    public var droppedSubscribers: Int { dropped.load(ordering: .relaxed) }

    /// Sends `{"type": type, "data": payload}` to every subscriber.
    public func publish(_ type: String, _ payload: some Encodable & Sendable) {
        // Nobody watching (the usual case between dashboard visits): no encoding at all.
        guard subscriberCount > 0 else { return }
        let data = JSONCoding.encode(payload)
        let frame = Self.frame(type: type, json: Array("{\"type\":\"\(type)\",\"data\":".utf8) + data + [125])
        let current = subscribers.withLock { Array($0) }
        for (id, continuation) in current {
            switch continuation.yield(frame) {
            case .enqueued, .terminated: continue
            case .dropped:
                dropped.add(1, ordering: .relaxed)
                unsubscribe(id)
            @unknown default: continue
            }
        }
    }

    /// A comment frame that keeps idle connections (and proxies) alive and detects gone clients.
    public func keepAlive() {
        let current = subscribers.withLock { Array($0.values) }
        for continuation in current { continuation.yield(Array(": keep-alive\n\n".utf8)) }
    }

    static func frame(type: String, json: [UInt8]) -> [UInt8] {
        Array("event: \(type)\ndata: ".utf8) + json + Array("\n\n".utf8)
    }
}

/// Payload of `*.deleted` messages.
public struct DeletedEntity: Codable, Sendable {
    public var id: String

    public init(id: String) { self.id = id }
}
