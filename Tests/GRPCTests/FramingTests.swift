import Testing

@testable import GRPC

@Suite("Length-prefixed messages")
struct FramingTests {
    @Test("a message is a flag, a big-endian length and the payload")
    func encoding() {
        #expect(LengthPrefixedMessage(isCompressed: false, payload: [7, 8]).encoded == [0, 0, 0, 0, 2, 7, 8])
        #expect(LengthPrefixedMessage(isCompressed: true, payload: []).encoded == [1, 0, 0, 0, 0])
    }

    @Test("messages are found in any chunking", arguments: [1, 2, 3, 5, 7, 64])
    func chunking(_ chunkSize: Int) throws {
        let messages: [[UInt8]] = [[], [1], Array(repeating: 9, count: 300), [4, 5, 6]]
        let wire = messages.flatMap { LengthPrefixedMessage(isCompressed: false, payload: $0).encoded }
        var deframer = MessageDeframer(maxMessageSize: 1_000)
        var found: [[UInt8]] = []
        for start in stride(from: 0, to: wire.count, by: chunkSize) {
            deframer.append(Array(wire[start..<min(start + chunkSize, wire.count)]))
            while let message = try deframer.nextMessage() {
                found.append(message.payload)
            }
        }
        #expect(found == messages)
        #expect(deframer.bufferedByteCount == 0)
    }

    @Test("a declared length above the limit is RESOURCE_EXHAUSTED before its payload arrives")
    func tooLarge() {
        var deframer = MessageDeframer(maxMessageSize: 4 << 20)
        deframer.append([0, 0x00, 0x40, 0x00, 0x01])
        #expect(
            throws: GRPCStatus(
                .resourceExhausted, "received message of 4194305 bytes exceeds the limit of 4194304 bytes")
        ) {
            try deframer.nextMessage()
        }
    }

    @Test("a compressed flag other than 0 or 1 is INTERNAL")
    func badFlag() {
        var deframer = MessageDeframer(maxMessageSize: 100)
        deframer.append([2, 0, 0, 0, 0])
        #expect(throws: GRPCStatus.self) { try deframer.nextMessage() }
    }

    @Test("a stream that ends inside a message is INTERNAL")
    func partialAtEnd() throws {
        var reader = MessageReader(encoding: .identity, maxMessageSize: 100)
        reader.append([0, 0, 0, 0, 4, 1, 2])
        #expect(try reader.next() == nil)
        #expect(throws: GRPCStatus.self) { try reader.checkComplete() }
    }
}
