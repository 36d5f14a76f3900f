import Foundation
import Kube
import Testing

extension KubeServerTests {
    @Suite("Lease race")
    struct LeaseRace {
        static let rounds = 200
        static let contenders = 3

        /// Lets `count` tasks pass only together, so that all contenders read the same Lease
        /// version before any of them writes.
        actor Barrier {
            private let count: Int
            private var waiting: [CheckedContinuation<Void, Never>] = []

            init(count: Int) { self.count = count }

            func arriveAndWait() async {
                await withCheckedContinuation { continuation in
                    waiting.append(continuation)
                    if waiting.count == count {
                        for waiter in waiting { waiter.resume() }
                        waiting = []
                    }
                }
            }
        }

        @Test(
            "three clients take the same expired Lease 200 times: exactly one wins each round",
            arguments: Backend.allCases)
        func exactlyOneWinner(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                let bound = Duration.seconds(5)
                let referee = LeaseClient(client: try context.client(), namespace: context.namespace, timeout: bound)
                let contenders = try (0..<Self.contenders).map { _ in
                    LeaseClient(client: try context.client(), namespace: context.namespace, timeout: bound)
                }
                let expired = LeaseSpec(
                    holderIdentity: "nobody", leaseDurationSeconds: 1, renewTime: MicroTime(Timestamp(seconds: 0)),
                    leaseTransitions: 0)
                guard case .written = try await referee.create(Lease(metadata: ObjectMeta(name: "race"), spec: expired))
                else {
                    Issue.record("the Lease could not be created")
                    return
                }
                var winners: [Int] = []
                for round in 0..<Self.rounds {
                    // Expire the Lease again (the previous round's winner holds it).
                    var current = try #require(try await referee.get("race"))
                    current.spec = Preserved(expired)
                    guard case .written = try await referee.update(current) else {
                        Issue.record("round \(round): the referee lost a race nobody else runs")
                        return
                    }
                    let barrier = Barrier(count: Self.contenders)
                    let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                        for (index, contender) in contenders.enumerated() {
                            group.addTask {
                                let seen = try await contender.get("race")
                                await barrier.arriveAndWait()
                                guard var lease = seen, lease.spec?.holderIdentity == "nobody" else {
                                    return (index, false)
                                }
                                lease.spec?.holderIdentity = "contender-\(index)"
                                lease.spec?.renewTime = MicroTime(Timestamp(seconds: Int64(round + 1)))
                                let transitions = lease.spec?.leaseTransitions ?? 0
                                lease.spec?.leaseTransitions = transitions + 1
                                if case .written = try await contender.update(lease) { return (index, true) }
                                return (index, false)
                            }
                        }
                        var results: [(Int, Bool)] = []
                        for try await result in group { results.append(result) }
                        return results
                    }
                    let roundWinners = outcomes.filter(\.1).map(\.0)
                    #expect(roundWinners.count == 1, "round \(round): winners \(roundWinners)")
                    winners += roundWinners
                    let holder = try #require(try await referee.get("race")).spec?.holderIdentity
                    #expect(holder == roundWinners.first.map { "contender-\($0)" }, "round \(round)")
                }
                #expect(winners.count == Self.rounds)
            }
        }
    }
}
