import Foundation
import GRPC
import PGSwarmAPI
import Synchronization
import Testing

@testable import Central

/// A monotonic clock the test moves by hand.
final class ManualClock: Sendable {
    private let current = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { current.withLock { $0 } }
    func advance(_ duration: Duration) { current.withLock { $0 += duration } }
}

@Suite("Satellite stream hub")
struct StreamHubTests {
    func message(_ version: Int64) -> Pgswarm_V1_CentralMessage {
        var message = Pgswarm_V1_CentralMessage()
        message.desiredStateVersion = version
        return message
    }

    @Test("a newer stream replaces the older, which ends ABORTED; detaching the older keeps the newer")
    func replacement() async {
        let hub = SatelliteStreamHub(idleTimeout: .seconds(60))
        let id = UUID()
        #expect(await hub.send(message(1), to: id) == false)
        #expect(await hub.isConnected(id) == false)
        let (first, none) = hub.attach(id)
        #expect(none == nil)
        let (second, replaced) = hub.attach(id)
        #expect(replaced === first && second.generation > first.generation)
        #expect(first.ending?.code == .aborted)
        var ended = first.outbound.makeAsyncIterator()
        #expect(await ended.next() == nil)
        hub.detach(first)
        #expect(await hub.isConnected(id))
        #expect(await hub.send(message(2), to: id))
        second.open(greeting: [message(1)])
        var iterator = second.outbound.makeAsyncIterator()
        #expect(await iterator.next()?.desiredStateVersion == 1)
        #expect(await iterator.next()?.desiredStateVersion == 2)
        hub.detach(second)
        #expect(await hub.isConnected(id) == false)
    }

    @Test("messages sent before the hello is answered wait behind the answer, within a bound")
    func heldBack() async {
        let hub = SatelliteStreamHub(idleTimeout: .seconds(60), outboundCapacity: 5)
        let id = UUID()
        let (session, _) = hub.attach(id)
        for version in 3...5 { #expect(await hub.send(message(Int64(version)), to: id)) }
        // Room is kept for the hello's answer (two messages).
        #expect(await hub.send(message(6), to: id) == false)
        #expect(session.ending?.code == .resourceExhausted)

        let (next, _) = hub.attach(UUID())
        #expect(next.enqueue(message(3)))
        next.open(greeting: [message(1), message(2)])
        #expect(next.enqueue(message(4)))
        next.end(GRPCStatus(.unavailable, "test"))
        var order: [Int64] = []
        for await queued in next.outbound { order.append(queued.desiredStateVersion) }
        #expect(order == [1, 2, 3, 4])
    }

    @Test("a stream whose queue overflows ends RESOURCE_EXHAUSTED and refuses further messages")
    func overflow() async {
        let hub = SatelliteStreamHub(idleTimeout: .seconds(60), outboundCapacity: 4)
        let id = UUID()
        let (session, _) = hub.attach(id)
        session.open(greeting: [])
        for version in 1...4 { #expect(await hub.send(message(Int64(version)), to: id)) }
        #expect(await hub.send(message(5), to: id) == false)
        #expect(session.ending?.code == .resourceExhausted)
        #expect(await hub.send(message(6), to: id) == false)
        // What was queued before the overflow still drains, in order, then the queue ends.
        var drained: [Int64] = []
        for await queued in session.outbound { drained.append(queued.desiredStateVersion) }
        #expect(drained == [1, 2, 3, 4])
    }

    @Test("streams silent for the idle timeout are ended UNAVAILABLE; a message resets the timer")
    func idleSweep() {
        let clock = ManualClock()
        let hub = SatelliteStreamHub(idleTimeout: .seconds(60), now: { clock.now })
        let (quiet, _) = hub.attach(UUID())
        let (chatty, _) = hub.attach(UUID())
        clock.advance(.seconds(59))
        chatty.touch(at: clock.now)
        #expect(hub.sweepIdle() == 0)
        clock.advance(.seconds(2))
        #expect(hub.sweepIdle() == 1)
        #expect(quiet.ending?.code == .unavailable && chatty.ending == nil)
    }

    @Test("revoking ends the stream PERMISSION_DENIED and forgets it; the first reason to end a stream stays")
    func revoke() async {
        let hub = SatelliteStreamHub(idleTimeout: .seconds(60))
        let id = UUID()
        let (session, _) = hub.attach(id)
        await hub.revoke(id, reason: "replaced")
        #expect(session.ending == GRPCStatus(.permissionDenied, "replaced"))
        #expect(await hub.isConnected(id) == false)
        session.end(GRPCStatus(.unavailable, "later"))
        #expect(session.ending == GRPCStatus(.permissionDenied, "replaced"))
        #expect(session.enqueue(message(1)) == false)
    }

    @Test("a successor waits for its predecessor's cleanup, bounded by a timeout")
    func retirement() async {
        let hub = SatelliteStreamHub(idleTimeout: .seconds(60))
        let (first, _) = hub.attach(UUID())
        let waiter = Task { await first.waitUntilRetired(timeout: .seconds(30)) }
        first.retire()
        await waiter.value
        // Never retired: the wait ends by its timeout.
        let (stuck, _) = hub.attach(UUID())
        await stuck.waitUntilRetired(timeout: .milliseconds(50))
    }

    @Test("the registration rate limiter admits a burst, then the average rate")
    func rateLimiter() {
        let clock = ManualClock()
        let limiter = RateLimiter(perSecond: 2, burst: 3, now: { clock.now })
        #expect((0..<3).allSatisfy { _ in limiter.admit() })
        #expect(limiter.admit() == false)
        clock.advance(.milliseconds(500))
        #expect(limiter.admit() && !limiter.admit())
        clock.advance(.seconds(100))
        #expect((0..<3).allSatisfy { _ in limiter.admit() } && !limiter.admit())
    }
}
