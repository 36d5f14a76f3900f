import SeededRandom

/// The simulation's only source of randomness: xoshiro256** (Blackman and Vigna), seeded through
/// SplitMix64. Written here rather than borrowed so that a seed replays the same run on every
/// Swift version (TigerBeetle's `stdx/prng.zig` rule). No floating point anywhere: chances are
/// integer ratios and ranges are drawn without modulo bias.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var mixer = SeededGenerator(seed: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// Uniform in `0..<bound` (Lemire's multiply-and-reject). `bound` must be positive.
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "empty range")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(below(UInt64(range.upperBound - range.lowerBound) + 1))
    }

    public mutating func int64(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(below(UInt64(range.upperBound - range.lowerBound) + 1))
    }

    /// True with probability `numerator / denominator`.
    public mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        below(denominator) < numerator
    }

    public mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int(below(UInt64(elements.count)))]
    }

    /// An independent stream, so that drawing more numbers for one purpose (say, faults) does
    /// not shift every other purpose's numbers.
    public mutating func fork() -> SimulationRandom { SimulationRandom(seed: next()) }
}

private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 { (value << count) | (value >> (64 - count)) }
