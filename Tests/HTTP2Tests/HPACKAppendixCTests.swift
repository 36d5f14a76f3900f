import Testing

@testable import HTTP2

/// RFC 7541 Appendix C: every example decodes to its header list and re-encodes byte for byte.
@Suite("RFC 7541 Appendix C examples")
struct HPACKAppendixCTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var name: String
        var hex: String
        var fields: [HeaderField]
        var testDescription: String { name }
    }

    static let firstRequest = [
        HeaderField(":method", "GET"), HeaderField(":scheme", "http"), HeaderField(":path", "/"),
        HeaderField(":authority", "www.example.com"),
    ]
    static let secondRequest = firstRequest + [HeaderField("cache-control", "no-cache")]
    static let thirdRequest = [
        HeaderField(":method", "GET"), HeaderField(":scheme", "https"), HeaderField(":path", "/index.html"),
        HeaderField(":authority", "www.example.com"), HeaderField("custom-key", "custom-value"),
    ]
    static let firstResponse = [
        HeaderField(":status", "302"), HeaderField("cache-control", "private"),
        HeaderField("date", "Mon, 21 Oct 2013 20:13:21 GMT"), HeaderField("location", "https://www.example.com"),
    ]
    static let secondResponse = [HeaderField(":status", "307")] + firstResponse.dropFirst()
    static let thirdResponse = [
        HeaderField(":status", "200"), HeaderField("cache-control", "private"),
        HeaderField("date", "Mon, 21 Oct 2013 20:13:22 GMT"), HeaderField("location", "https://www.example.com"),
        HeaderField("content-encoding", "gzip"),
        HeaderField("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
    ]

    /// Decodes each block with one decoder and re-encodes with one encoder, in sequence.
    func checkSequence(
        _ examples: [Example], tableSize: Int, huffman: HPACKEncoder.HuffmanPolicy,
        unindexed: Set<String> = []
    ) throws -> (HPACKDecoder, HPACKEncoder) {
        var decoder = HPACKDecoder(maxAllowedTableSize: tableSize)
        var encoder = HPACKEncoder(maxDynamicTableSize: tableSize, huffmanPolicy: huffman)
        encoder.unindexedNames = unindexed
        for example in examples {
            let decoded = try decoder.decode(Hex.bytes(example.hex))
            #expect(decoded == example.fields, "\(example.name) decodes")
            #expect(Hex.string(encoder.encode(example.fields)) == example.hex, "\(example.name) re-encodes")
        }
        return (decoder, encoder)
    }

    @Test("C.2.1 literal with indexing adds custom-key to the dynamic table")
    func literalWithIndexing() throws {
        let hex = "400a637573746f6d2d6b65790d637573746f6d2d686561646572"
        let (decoder, _) = try checkSequence(
            [Example(name: "C.2.1", hex: hex, fields: [HeaderField("custom-key", "custom-header")])],
            tableSize: 4096, huffman: .never)
        #expect(decoder.dynamicTableSize == 55)
        #expect(decoder.dynamicTableCount == 1)
    }

    @Test("C.2.2 literal without indexing leaves the dynamic table empty")
    func literalWithoutIndexing() throws {
        let example = Example(
            name: "C.2.2", hex: "040c2f73616d706c652f70617468", fields: [HeaderField(":path", "/sample/path")])
        let (decoder, _) = try checkSequence([example], tableSize: 4096, huffman: .never, unindexed: [":path"])
        #expect(decoder.dynamicTableCount == 0)
    }

    @Test("C.2.3 never-indexed literal is decoded as sensitive and never enters the table")
    func literalNeverIndexed() throws {
        let example = Example(
            name: "C.2.3", hex: "100870617373776f726406736563726574",
            fields: [HeaderField("password", "secret", isSensitive: true)])
        let (decoder, _) = try checkSequence([example], tableSize: 4096, huffman: .never)
        #expect(decoder.dynamicTableCount == 0)
    }

    @Test("C.2.4 indexed field from the static table")
    func indexedField() throws {
        let (decoder, _) = try checkSequence(
            [Example(name: "C.2.4", hex: "82", fields: [HeaderField(":method", "GET")])], tableSize: 4096,
            huffman: .never)
        #expect(decoder.dynamicTableCount == 0)
    }

    @Test("C.3 requests without Huffman coding share one dynamic table")
    func requestsWithoutHuffman() throws {
        let (decoder, encoder) = try checkSequence(
            [
                Example(name: "C.3.1", hex: "828684410f7777772e6578616d706c652e636f6d", fields: Self.firstRequest),
                Example(name: "C.3.2", hex: "828684be58086e6f2d6361636865", fields: Self.secondRequest),
                Example(
                    name: "C.3.3", hex: "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
                    fields: Self.thirdRequest),
            ], tableSize: 4096, huffman: .never)
        #expect(decoder.dynamicTableSize == 164)
        #expect(decoder.dynamicTableCount == 3)
        #expect(encoder.dynamicTableSize == 164)
    }

    @Test("C.4 requests with Huffman coding share one dynamic table")
    func requestsWithHuffman() throws {
        let (decoder, _) = try checkSequence(
            [
                Example(name: "C.4.1", hex: "828684418cf1e3c2e5f23a6ba0ab90f4ff", fields: Self.firstRequest),
                Example(name: "C.4.2", hex: "828684be5886a8eb10649cbf", fields: Self.secondRequest),
                Example(
                    name: "C.4.3", hex: "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf", fields: Self.thirdRequest),
            ], tableSize: 4096, huffman: .always)
        #expect(decoder.dynamicTableSize == 164)
    }

    @Test("C.5 responses without Huffman coding evict entries from a 256-byte table")
    func responsesWithoutHuffman() throws {
        let (decoder, encoder) = try checkSequence(
            [
                Example(
                    name: "C.5.1",
                    hex: "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a32312047"
                        + "4d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
                    fields: Self.firstResponse),
                Example(name: "C.5.2", hex: "4803333037c1c0bf", fields: Self.secondResponse),
                Example(
                    name: "C.5.3",
                    hex: "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f"
                        + "6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b"
                        + "2076657273696f6e3d31",
                    fields: Self.thirdResponse),
            ], tableSize: 256, huffman: .never)
        #expect(decoder.dynamicTableSize == 215)
        #expect(decoder.dynamicTableCount == 3)
        #expect(encoder.dynamicTableSize == 215)
    }

    @Test("C.6 responses with Huffman coding evict entries from a 256-byte table")
    func responsesWithHuffman() throws {
        let (decoder, _) = try checkSequence(
            [
                Example(
                    name: "C.6.1",
                    hex: "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863"
                        + "c78f0b97c8e9ae82ae43d3",
                    fields: Self.firstResponse),
                Example(name: "C.6.2", hex: "4883640effc1c0bf", fields: Self.secondResponse),
                Example(
                    name: "C.6.3",
                    hex: "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b3"
                        + "35dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
                    fields: Self.thirdResponse),
            ], tableSize: 256, huffman: .always)
        #expect(decoder.dynamicTableSize == 215)
        #expect(decoder.dynamicTableCount == 3)
    }

    @Test("C.1 integer examples: 10 in a 5-bit prefix, 1337 in a 5-bit prefix, 42 at an octet boundary")
    func integerExamples() throws {
        for (hex, prefix, value) in [("0a", 5, 10), ("1f9a0a", 5, 1337), ("2a", 8, 42)] {
            var reader = HPACKReader(Hex.bytes(hex))
            #expect(try reader.readInteger(prefixBits: prefix) == value)
            #expect(reader.isAtEnd)
            var written: [UInt8] = []
            HPACKWriter.appendInteger(value, prefixBits: prefix, pattern: 0, into: &written)
            #expect(Hex.string(written) == hex)
        }
    }
}
