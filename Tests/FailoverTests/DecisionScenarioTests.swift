import Failover
import Postgres
import Testing

/// A named situation, the decision it must produce, and the sentence that states it (client-go's
/// `testTryAcquireOrRenew` table, asserted on Patroni's `run_cycle` strings).
struct DecisionScenario: Sendable, CustomTestStringConvertible {
    let name: String
    let observation: Observation
    let now: MonotonicInstant
    let action: Action
    let summary: String

    init(
        _ name: String, _ memory: SidecarMemory, _ local: LocalPostgres, at now: MonotonicInstant,
        expect action: Action, _ summary: String
    ) {
        self.name = name
        var memory = memory
        observation = memory.observe(local, at: now)
        self.now = now
        self.action = action
        self.summary = summary
    }

    var testDescription: String { name }

    func decide() -> Decision {
        FailoverPolicy(configuration: observation.memory.configuration).decide(observation, now: now)
    }
}

@Suite("Failover decisions, one named scenario at a time")
struct DecisionScenarioTests {
    @Test(
        "the decision and its summary",
        arguments: DecisionScenarios.election + DecisionScenarios.candidates + DecisionScenarios.failsafe)
    func scenario(_ scenario: DecisionScenario) {
        let decision = scenario.decide()
        #expect(decision.action == scenario.action)
        #expect(decision.summary == scenario.summary)
    }

    @Test("the holder renews first, with a compare-and-swap on the version it last wrote")
    func renewFirst() {
        let decision = DecisionScenarios.election[2].decide()
        #expect(decision.steps.first == .writeLease(LeaseWrite(.renew, precondition: .resourceVersion("8"))))
        #expect(decision.roleLabel == .primary)
    }

    @Test("the holder wakes up exactly at its renew deadline to fence on time")
    func wakesAtDeadline() {
        let configuration = Fixture.configuration("pg-0")
        var memory = Fixture.holder(configuration)
        memory.apiCallFailed(at: Fixture.t0 + 9)
        let observation = memory.observe(Fixture.primary(), at: Fixture.t0 + 9)
        let decision = FailoverPolicy(configuration: configuration).decide(observation, now: Fixture.t0 + 9)
        #expect(decision.wakeAt == Fixture.t0 + 10)
    }

    @Test("the urgent guards fence on the deadline without reading the API server")
    func urgentFence() {
        let configuration = Fixture.configuration("pg-0")
        var memory = Fixture.holder(configuration)
        let observation = memory.observe(Fixture.primary(), at: Fixture.t0 + 10)
        let policy = FailoverPolicy(configuration: configuration)
        let urgent = policy.urgentDecision(observation, now: Fixture.t0 + 10)
        #expect(urgent?.action == .fenceSelf(.renewDeadlinePassed(renewDeadline: .seconds(10))))
        #expect(urgent?.steps.first == .fence(.renewDeadlinePassed(renewDeadline: .seconds(10))))
        #expect(urgent?.roleLabel == .replica)
        #expect(
            policy.urgentDecision(memory.observe(Fixture.primary(), at: Fixture.t0 + 9), now: Fixture.t0 + 9) == nil)
    }

    @Test("promotion runs only after a successful acquisition in the same plan")
    func promoteAfterAcquire() {
        let decision = DecisionScenarios.candidates[2].decide()
        guard case .acquireLease = decision.action else {
            Issue.record("expected an acquisition, got \(decision.summary)")
            return
        }
        let acquire = decision.steps.firstIndex { if case .writeLease = $0 { true } else { false } }
        let promote = decision.steps.firstIndex(of: .promote)
        #expect(acquire != nil && promote != nil && acquire! < promote!)
        #expect(decision.steps[acquire!].gatesLaterSteps)
    }

    @Test("SIGTERM hands over in three cycles: fence, wait for the best replica, release to it")
    func handover() {
        let stages = DecisionScenarios.handover
        for stage in stages {
            let decision = stage.decide()
            #expect(decision.action == stage.action, "\(stage.name)")
            #expect(decision.summary == stage.summary, "\(stage.name)")
        }
        let release = stages[2].decide()
        #expect(release.steps.first == .fence(.handover))
        #expect(release.steps.contains(.writeLease(LeaseWrite(.release, precondition: .resourceVersion("8")))))
    }
}
