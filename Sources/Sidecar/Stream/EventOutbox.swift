public import FoundationEssentials
public import PGSwarmAPI
import SwiftProtobuf
import Synchronization

/// What happened to this member (lease won, fenced, promoted, demoted, restarted, ...), kept for
/// the satellite until it acknowledges it.
///
/// Each event gets the next sequence number. A stream sends every event the satellite has not
/// acknowledged, again after a reconnect, so an event survives any number of broken streams;
/// the satellite's DeliveryAck (`acked_through_seq`) releases it, and the event id lets the
/// receiver drop a repeat. At most `capacity` events wait: beyond that the oldest go (counted in
/// `dropped`), because a sidecar must not grow without bound while its satellite is away.
public final class EventOutbox: Sendable {
    /// Who the events are about.
    public struct Subject: Sendable {
        public var cluster: String
        public var namespace: String
        public var pod: String

        public init(cluster: String, namespace: String, pod: String) {
            self.cluster = cluster
            self.namespace = namespace
            self.pod = pod
        }
    }

    struct Entry {
        var seq: UInt64
        var event: Pgswarm_V1_Event
    }

    struct State {
        var nextSeq: UInt64 = 1
        var ackedThrough: UInt64 = 0
        var waiting: [Entry] = []
        var dropped = 0
        var bells: [UInt64: AsyncStream<Void>.Continuation] = [:]
        var nextBell: UInt64 = 0
    }

    let subject: Subject
    let capacity: Int
    let wallTime: @Sendable () -> Date
    private let state = Mutex(State())

    public init(subject: Subject, capacity: Int = 512, wallTime: @escaping @Sendable () -> Date = { Date() }) {
        precondition(capacity > 0, "an outbox holds at least one event")
        self.subject = subject
        self.capacity = capacity
        self.wallTime = wallTime
    }

    /// Records an event and wakes the streams that send them.
    public func record(
        _ type: Pgswarm_V1_EventType, _ severity: Pgswarm_V1_Severity, _ message: String,
        data: [String: String] = [:], source: String = "election"
    ) {
        var event = Pgswarm_V1_Event()
        event.id = UUID().uuidString.lowercased()
        event.type = type
        event.severity = severity
        event.clusterName = subject.cluster
        event.namespace = subject.namespace
        event.podName = subject.pod
        event.message = message
        event.data = data
        event.timestamp = Google_Protobuf_Timestamp(date: wallTime())
        event.origin = .sidecar
        event.source = source
        let bells = state.withLock { state in
            state.waiting.append(Entry(seq: state.nextSeq, event: event))
            state.nextSeq += 1
            if state.waiting.count > capacity {
                state.waiting.removeFirst(state.waiting.count - capacity)
                state.dropped += 1
            }
            return Array(state.bells.values)
        }
        for bell in bells { bell.yield() }
    }

    /// The unacknowledged events after `seq`, as stream messages, oldest first.
    func messages(after seq: UInt64) -> [Pgswarm_V1_SidecarMessage] {
        state.withLock { state in
            state.waiting.filter { $0.seq > seq }.map { entry in
                var message = Pgswarm_V1_SidecarMessage()
                message.seq = entry.seq
                message.event = entry.event
                return message
            }
        }
    }

    /// The satellite has processed every event through `seq`.
    func acknowledge(through seq: UInt64) {
        state.withLock { state in
            // An acknowledgement beyond what was ever sent is a confused peer: it cannot release more.
            let through = min(seq, state.nextSeq - 1)
            guard through > state.ackedThrough else { return }
            state.ackedThrough = through
            state.waiting.removeAll { $0.seq <= through }
        }
    }

    /// Where a new stream starts: everything after the last acknowledgement is sent again.
    var acknowledgedThrough: UInt64 { state.withLock { $0.ackedThrough } }

    /// Events waiting for an acknowledgement, and events dropped because too many waited.
    public var counts: (waiting: Int, dropped: Int) { state.withLock { ($0.waiting.count, $0.dropped) } }

    /// Rings once at once and once after every `record` (rings in between coalesce), until the
    /// iterating task ends.
    func bell() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let key = state.withLock { state in
            defer { state.nextBell += 1 }
            state.bells[state.nextBell] = continuation
            return state.nextBell
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.bells.removeValue(forKey: key) }
        }
        continuation.yield()
        return stream
    }
}
