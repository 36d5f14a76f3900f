import HTTP2
import Testing

@testable import GRPC

@Suite("Keepalive: ping abuse policy (A8) and our own PINGs")
struct KeepaliveTests {
    typealias Verdict = PingAbusePolicy.Verdict

    /// Scenarios: PINGs at these times (seconds) with calls open, and the verdicts expected.
    static let scenarios: [(name: String, times: [Int64], verdicts: [Verdict])] = [
        ("pings 5 minutes apart are fine", [0, 300, 600], [.accepted, .accepted, .accepted]),
        (
            "the third ping too soon ends the connection", [0, 10, 20, 30],
            [.accepted, .struck(strikes: 1), .struck(strikes: 2), .tooManyPings]
        ),
        ("a slow ping after fast ones is not a strike", [0, 10, 400], [.accepted, .struck(strikes: 1), .accepted]),
    ]

    @Test("ping abuse policy scenarios", arguments: 0..<3)
    func scenarios(_ index: Int) {
        let scenario = Self.scenarios[index]
        var policy = PingAbusePolicy()
        let verdicts = scenario.times.map { policy.receivedPing(at: .seconds($0), hasActiveCalls: true) }
        #expect(verdicts == scenario.verdicts, "\(scenario.name)")
    }

    @Test("without calls, pings are welcome only every two hours unless permitted")
    func withoutCalls() {
        var strict = PingAbusePolicy()
        #expect(strict.receivedPing(at: .zero, hasActiveCalls: false) == .accepted)
        #expect(strict.receivedPing(at: .seconds(600), hasActiveCalls: false) == .struck(strikes: 1))
        var lenient = PingAbusePolicy(configuration: .init(permitWithoutCalls: true))
        #expect(lenient.receivedPing(at: .zero, hasActiveCalls: false) == .accepted)
        #expect(lenient.receivedPing(at: .seconds(600), hasActiveCalls: false) == .accepted)
    }

    @Test("sending data or headers forgives earlier strikes")
    func dataResetsStrikes() {
        var policy = PingAbusePolicy()
        _ = policy.receivedPing(at: .zero, hasActiveCalls: true)
        _ = policy.receivedPing(at: .seconds(1), hasActiveCalls: true)
        _ = policy.receivedPing(at: .seconds(2), hasActiveCalls: true)
        policy.sentHeadersOrData()
        #expect(policy.strikes == 0)
        #expect(policy.receivedPing(at: .seconds(3), hasActiveCalls: true) == .accepted)
    }

    @Test("zero max strikes disables enforcement")
    func disabled() {
        var policy = PingAbusePolicy(configuration: .init(maxPingStrikes: 0))
        for second in 0..<100 {
            #expect(policy.receivedPing(at: .seconds(Int64(second)), hasActiveCalls: true) != .tooManyPings)
        }
    }

    @Test("a PING goes out after the quiet interval, and a missing ACK closes the connection")
    func timer() {
        var timer = KeepaliveTimer(configuration: .init(interval: .seconds(10), timeout: .seconds(5)), now: .zero)
        #expect(timer.tick(at: .seconds(9), hasActiveCalls: true) == .none)
        timer.receivedFrame(at: .seconds(8))
        #expect(timer.nextDeadline == .seconds(18))
        guard case .sendPing(let data) = timer.tick(at: .seconds(18), hasActiveCalls: true) else {
            Issue.record("expected a PING")
            return
        }
        #expect(timer.nextDeadline == .seconds(23))
        #expect(timer.tick(at: .seconds(22), hasActiveCalls: true) == .none)
        timer.receivedPingAck(PingData(12_345), at: .seconds(22))
        #expect(timer.tick(at: .seconds(23), hasActiveCalls: true) == .closeConnection, "only our own ACK counts")
        var answered = timer
        answered.receivedPingAck(data, at: .seconds(20))
        #expect(answered.nextDeadline == .seconds(30))
    }

    @Test("no PINGs without calls unless permitted")
    func timerWithoutCalls() {
        var timer = KeepaliveTimer(configuration: .init(interval: .seconds(10)), now: .zero)
        #expect(timer.tick(at: .seconds(10), hasActiveCalls: false) == .none)
        var permitted = KeepaliveTimer(
            configuration: .init(interval: .seconds(10), permitWithoutCalls: true), now: .zero)
        #expect(permitted.tick(at: .seconds(10), hasActiveCalls: false) != .none)
    }
}
