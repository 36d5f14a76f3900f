import Testing

@testable import FailoverSimulation

@Suite("The simulation's own random generator")
struct SimulationRandomTests {
    @Test("a seed always gives the same numbers")
    func deterministic() {
        var first = SimulationRandom(seed: 42)
        var second = SimulationRandom(seed: 42)
        for _ in 0..<100 { #expect(first.next() == second.next()) }
    }
}
