import Foundation
import SeededRandom
import Testing

@testable import GRPC

/// Seeded fuzzing of the message reader (deframer + decompression). One seed drives every
/// input; it is printed first and named in every failure, so
/// `PGSWARM_FUZZ_SEED=<seed> swift test --filter DeframerFuzz` replays a run.
@Suite("Deframer fuzzing")
struct DeframerFuzzTests {
    static let defaultSeed: UInt64 = 0x6_0DEF_4A3E
    static let iterations = 120_000
    static let maxMessageSize = 4_096

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PGSWARM_FUZZ_SEED"].flatMap { UInt64($0) } ?? defaultSeed
    }

    /// Valid wire bytes to mutate: plain and compressed messages, empty ones, several in a row.
    static func corpus() throws -> [[UInt8]] {
        let text = Array("heartbeat from satellite edge-1 ".utf8)
        let gzip = MessageCompressor(algorithm: .gzip, maxDecompressedSize: maxMessageSize)
        return [
            LengthPrefixedMessage(isCompressed: false, payload: []).encoded,
            LengthPrefixedMessage(isCompressed: false, payload: text).encoded,
            try gzip.frame(text + text + text, compress: true).encoded,
            try gzip.frame([UInt8](repeating: 0, count: 3_000), compress: true).encoded,
            LengthPrefixedMessage(isCompressed: false, payload: [1]).encoded
                + LengthPrefixedMessage(isCompressed: false, payload: [2, 3]).encoded,
        ]
    }

    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8(
                    1 << Int.random(in: 0..<8, using: &random))
            case 1 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 2:
                bytes.insert(
                    UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            case 3:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            default:
                bytes += (0..<Int.random(in: 0...6, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            }
        }
        return bytes
    }

    @Test("120,000 random and mutated inputs never crash the reader or exceed its limit")
    func fuzz() throws {
        let seed = Self.seed
        print("deframer fuzz SEED=\(seed) iterations=\(Self.iterations)")
        var random = SeededGenerator(seed: seed)
        let corpus = try Self.corpus()
        var decodedMessages = 0
        var failures = 0
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            if iteration % 4 == 0 {
                input = (0..<Int.random(in: 0...32, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else {
                input = Self.mutate(corpus[iteration % corpus.count], using: &random)
            }
            let encoding: CompressionAlgorithm = iteration % 3 == 0 ? .identity : .gzip
            var reader = MessageReader(encoding: encoding, maxMessageSize: Self.maxMessageSize)
            // Feed in random chunks, as DATA frames would arrive.
            var offset = 0
            do {
                while offset < input.count {
                    let end = min(input.count, offset + Int.random(in: 1...16, using: &random))
                    reader.append(Array(input[offset..<end]))
                    offset = end
                    while let message = try reader.next() {
                        #expect(
                            message.payload.count <= Self.maxMessageSize, "SEED=\(seed) iteration \(iteration)")
                        decodedMessages += 1
                    }
                }
                try reader.checkComplete()
            } catch {
                failures += 1
                let known: Set<GRPCStatus.Code> = [.internalError, .resourceExhausted]
                #expect(known.contains(error.code), "SEED=\(seed) iteration \(iteration): \(error)")
            }
        }
        #expect(decodedMessages > 1_000, "SEED=\(seed): many mutated inputs still decode")
        #expect(failures > 1_000, "SEED=\(seed): many inputs are refused")
    }
}
