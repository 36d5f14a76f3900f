import Foundation
import SeededRandom
import Testing

@testable import HTTP2

/// Seeded fuzzing of both decoders. One seed drives everything; it is printed first and
/// named in every failure, so `PGSWARM_FUZZ_SEED=<seed> swift test --filter Fuzz` replays a run.
@Suite("Fuzzing")
struct FuzzTests {
    static let defaultSeed: UInt64 = 0x5EED_0002_2024

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PGSWARM_FUZZ_SEED"].flatMap { UInt64($0) } ?? defaultSeed
    }

    /// Byte-level mutations of a valid input: flips, insertions, deletions, truncation, splices.
    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8(
                    1 << Int.random(in: 0..<8, using: &random))
            case 1 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 2:
                bytes.insert(
                    UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            case 3 where !bytes.isEmpty:
                bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
            case 4:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            default:
                bytes += (0..<Int.random(in: 0...8, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            }
        }
        return bytes
    }

    static func randomBytes(_ maxCount: Int, using random: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...maxCount, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    @Test("60,000 random and mutated header blocks never crash the HPACK decoder")
    func hpackDecoder() {
        let seed = Self.seed
        print("HPACK fuzz seed=\(seed)")
        var random = SeededGenerator(seed: seed)
        var encoder = HPACKEncoder()
        let corpus: [[UInt8]] = [
            Hex.bytes("828684410f7777772e6578616d706c652e636f6d"),
            Hex.bytes("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"),
            Hex.bytes("4883640effc1c0bf"), Hex.bytes("203f4582"),
            encoder.encode(
                FrameFactory.request + [HeaderField("authorization", "x"), HeaderField("grpc-timeout", "1S")]),
        ]
        var decoder = HPACKDecoder()
        var decodedBlocks = 0
        for iteration in 0..<60_000 {
            let input: [UInt8]
            if iteration % 3 == 0 {
                input = Self.randomBytes(48, using: &random)
            } else {
                input = Self.mutate(corpus[iteration % corpus.count], using: &random)
            }
            do {
                let fields = try decoder.decode(input, maxHeaderListSize: 4_096)
                #expect(fields.reduce(0) { $0 + $1.size } <= 4_096, "seed \(seed) iteration \(iteration)")
                decodedBlocks += 1
            } catch {
                // After a failure a real connection dies; start over like the next connection would.
                decoder = HPACKDecoder()
            }
            #expect(decoder.dynamicTableSize <= decoder.dynamicTableMaxSize, "seed \(seed) iteration \(iteration)")
        }
        #expect(decodedBlocks > 0, "seed \(seed): some mutated blocks still decode")
    }

    /// Valid frames a client might send, to mutate and shuffle.
    static func frameCorpus() -> [[UInt8]] {
        var factory = FrameFactory()
        return [
            factory.headers(1), factory.headers(3, endStream: true), factory.data(1, [1, 2, 3], endStream: true),
            factory.data(1, Array(repeating: 9, count: 40), padding: 5), factory.windowUpdate(0, 1_000),
            factory.windowUpdate(1, 10), factory.rstStream(3), factory.ping(), factory.ping(ack: true),
            factory.settings([HTTP2Setting(.initialWindowSize, 100), HTTP2Setting(.maxFrameSize, 20_000)]),
            factory.settingsAck(), factory.priority(5, dependsOn: 1),
            factory.headerBlock(5, block: [0x82, 0x86], endHeaders: false)
                + factory.continuation(5, [0x84, 0x41, 0x01, 0x61]),
            factory.headers(7, priority: PrioritySpec(dependency: 1), padding: 3), factory.goAway(lastStreamID: 0),
            factory.raw(type: 0x42, streamID: 9, payload: [1, 2, 3]),
        ]
    }

    @Test("60,000 random and mutated frame sequences never crash a server or client connection")
    func connection() throws {
        let seed = Self.seed
        print("HTTP/2 connection fuzz seed=\(seed)")
        var random = SeededGenerator(seed: seed ^ 0xC0FFEE)
        let corpus = Self.frameCorpus()
        let opening = FrameDecoder.clientPreface + FrameFactory().settings()
        var server = try HTTP2Connection(role: .server)
        var client = try HTTP2Connection(role: .client)
        _ = try server.receive(opening)
        _ = try client.receive(FrameFactory().settings())
        for iteration in 0..<60_000 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let frame = corpus[Int.random(in: 0..<corpus.count, using: &random)]
                input += Int.random(in: 0..<4, using: &random) == 0 ? Self.mutate(frame, using: &random) : frame
            }
            if iteration % 5 == 0 {
                input = Self.randomBytes(40, using: &random)
            }
            let useServer = iteration % 2 == 0
            do {
                if useServer {
                    _ = try server.receive(input)
                    if iteration % 7 == 0 { _ = server.dataToSend() }
                } else {
                    _ = try client.receive(input)
                    if iteration % 7 == 0 { _ = client.dataToSend() }
                }
            } catch {
                let connection = useServer ? server : client
                #expect(connection.state == .closed, "seed \(seed) iteration \(iteration): \(error)")
                if useServer {
                    let output = server.dataToSend()
                    #expect(
                        try decodeFrames(output).last?.payload.goAwayCode == error.code,
                        "seed \(seed) iteration \(iteration)")
                    server = try HTTP2Connection(role: .server)
                    _ = try server.receive(opening)
                } else {
                    client = try HTTP2Connection(role: .client)
                    _ = try client.receive(FrameFactory().settings())
                }
            }
        }
    }

    @Test("random bytes right after the preface never crash the frame decoder")
    func frameDecoder() {
        let seed = Self.seed
        var random = SeededGenerator(seed: seed ^ 0xDEC0DE)
        for iteration in 0..<20_000 {
            var decoder = FrameDecoder(expectsClientPreface: iteration % 2 == 0)
            if iteration % 2 == 0 {
                decoder.append(FrameDecoder.clientPreface.prefix(Int.random(in: 0...24, using: &random)))
            }
            decoder.append(Self.randomBytes(64, using: &random))
            for _ in 0..<16 {
                do {
                    guard try decoder.nextFrame() != nil else { break }
                } catch {
                    if error.scope == .connection { break }
                }
            }
        }
    }
}
