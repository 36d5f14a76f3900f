import Testing

@testable import HTTP2

@Suite("Huffman code")
struct HuffmanTests {
    @Test("every byte value survives a round trip, alone and all together")
    func allByteValuesRoundTrip() throws {
        for value in 0...255 {
            let octets = [UInt8(value)]
            #expect(try Huffman.decode(Huffman.encode(octets)) == octets)
        }
        let all = (0...255).map { UInt8($0) }
        #expect(try Huffman.decode(Huffman.encode(all)) == all)
        #expect(try Huffman.decode(Huffman.encode(all.reversed())) == all.reversed())
    }

    @Test("the RFC example string www.example.com encodes to f1e3c2e5f23a6ba0ab90f4ff")
    func rfcExample() {
        #expect(Hex.string(Huffman.encode(Array("www.example.com".utf8))) == "f1e3c2e5f23a6ba0ab90f4ff")
    }

    @Test("a full EOS code inside the string is rejected")
    func eosRejected() {
        #expect(throws: HPACKError.huffmanContainsEOS) { try Huffman.decode(Hex.bytes("fffffffc")) }
    }

    @Test("padding longer than seven bits is rejected")
    func longPaddingRejected() {
        // 'a' is 00011 (5 bits); a whole extra octet of ones is 11 bits of padding.
        #expect(throws: HPACKError.huffmanPaddingInvalid) { try Huffman.decode(Hex.bytes("1fff")) }
        #expect(throws: HPACKError.huffmanPaddingInvalid) { try Huffman.decode(Hex.bytes("ff")) }
    }

    @Test("padding that is not all ones is rejected")
    func zeroPaddingRejected() {
        // 'a' (00011) followed by 000 instead of 111.
        #expect(throws: HPACKError.huffmanPaddingInvalid) { try Huffman.decode(Hex.bytes("18")) }
    }

    @Test("an empty string decodes to nothing")
    func emptyString() throws {
        #expect(try Huffman.decode([UInt8]()) == [])
    }
}

@Suite("HPACK primitives and decoder rules")
struct HPACKDecoderTests {
    @Test("an integer beyond 2^31 is an overflow, not a wrap-around")
    func integerOverflow() {
        var reader = HPACKReader(Hex.bytes("1fffffffff7f"))
        #expect(throws: HPACKError.integerOverflow) { try reader.readInteger(prefixBits: 5) }
        var endless = HPACKReader(Hex.bytes("1f" + String(repeating: "80", count: 20) + "01"))
        #expect(throws: HPACKError.integerOverflow) { try endless.readInteger(prefixBits: 5) }
    }

    @Test("a truncated integer or string is reported as truncated")
    func truncation() {
        var decoder = HPACKDecoder()
        #expect(throws: HPACKError.truncatedBlock) { try decoder.decode(Hex.bytes("1f")) }
        #expect(throws: HPACKError.truncatedBlock) { try decoder.decode(Hex.bytes("400a6375")) }
    }

    @Test("index 0 and indexes past the dynamic table are invalid")
    func invalidIndexes() {
        var decoder = HPACKDecoder()
        #expect(throws: HPACKError.invalidIndex(0)) { try decoder.decode(Hex.bytes("80")) }
        #expect(throws: HPACKError.invalidIndex(62)) { try decoder.decode(Hex.bytes("be")) }
    }

    @Test("a table size update after a field is rejected")
    func sizeUpdateAfterField() {
        var decoder = HPACKDecoder()
        #expect(throws: HPACKError.tableSizeUpdateNotAtBlockStart) { try decoder.decode(Hex.bytes("8220")) }
    }

    @Test("a table size update above our SETTINGS_HEADER_TABLE_SIZE is rejected")
    func sizeUpdateAboveLimit() {
        var decoder = HPACKDecoder(maxAllowedTableSize: 128)
        #expect(throws: HPACKError.tableSizeUpdateAboveLimit(requested: 129, limit: 128)) {
            try decoder.decode(Hex.bytes("3f62"))
        }
    }

    @Test("after we lower the table size, the next block must start with a size update")
    func requiredSizeUpdate() throws {
        var decoder = HPACKDecoder()
        decoder.setMaxAllowedTableSize(128)
        #expect(throws: HPACKError.missingTableSizeUpdate) { try decoder.decode(Hex.bytes("82")) }
        var compliant = HPACKDecoder()
        compliant.setMaxAllowedTableSize(128)
        #expect(try compliant.decode(Hex.bytes("3f6182")) == [HeaderField(":method", "GET")])
        #expect(compliant.dynamicTableMaxSize == 128)
    }

    @Test("the encoder announces a shrink then a growth as two size updates before the first field")
    func encoderAnnouncesBothSizes() throws {
        var encoder = HPACKEncoder(huffmanPolicy: .never)
        encoder.setMaxDynamicTableSize(0)
        encoder.setMaxDynamicTableSize(100)
        let block = encoder.encode([HeaderField(":method", "GET")])
        #expect(Hex.string(block) == "203f4582")
        var decoder = HPACKDecoder()
        #expect(try decoder.decode(block) == [HeaderField(":method", "GET")])
        #expect(decoder.dynamicTableMaxSize == 100)
    }

    @Test("authorization is always sent never-indexed, and so is any field the caller marks sensitive")
    func sensitiveFields() throws {
        var encoder = HPACKEncoder(huffmanPolicy: .never)
        let fields = [
            HeaderField("authorization", "Bearer secret"), HeaderField("x-token", "t0k3n", isSensitive: true),
            HeaderField("x-plain", "visible"),
        ]
        let block = encoder.encode(fields)
        #expect(block.first.map { $0 & 0xF0 } == 0x10)
        var decoder = HPACKDecoder()
        let decoded = try decoder.decode(block)
        #expect(decoded.map(\.isSensitive) == [true, true, false])
        #expect(decoder.dynamicTableCount == 1, "only x-plain is indexed")
        #expect(!"\(decoded[0])".contains("secret"), "descriptions redact sensitive values")
    }

    @Test("a header list over the limit is decoded to the end, keeping the table in step, then refused")
    func headerListLimit() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        let big = [HeaderField("x-big", String(repeating: "a", count: 200))]
        #expect(throws: HPACKError.headerListTooLarge(size: 237, limit: 100)) {
            try decoder.decode(encoder.encode(big), maxHeaderListSize: 100)
        }
        // The next block references the entry the refused block added: still in step.
        #expect(try decoder.decode(encoder.encode(big)) == big)
    }

    @Test("an entry larger than the table empties it")
    func oversizedEntryClearsTable() throws {
        var encoder = HPACKEncoder(maxDynamicTableSize: 80, huffmanPolicy: .never)
        var decoder = HPACKDecoder(maxAllowedTableSize: 80)
        _ = try decoder.decode(encoder.encode([HeaderField("custom-key", "custom-value")]))
        #expect(decoder.dynamicTableCount == 1)
        // Sent with incremental indexing by a peer, an 85-byte entry evicts everything.
        let block = Hex.bytes("4005") + Array("large".utf8) + [48] + Array(repeating: UInt8(ascii: "x"), count: 48)
        _ = try decoder.decode(block)
        #expect(decoder.dynamicTableCount == 0)
    }
}
