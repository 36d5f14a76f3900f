/// Reads HPACK primitives from a header block (RFC 7541 §5).
struct HPACKReader {
    /// No legitimate HPACK integer (an index, a string length, a table size)
    /// comes near 2^31; refusing larger values keeps every arithmetic step far
    /// from overflow on any platform.
    static let maxInteger = Int(Int32.max)

    private let bytes: [UInt8]
    private(set) var index: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    var isAtEnd: Bool { index >= bytes.count }

    func peek() throws(HPACKError) -> UInt8 {
        guard index < bytes.count else { throw .truncatedBlock }
        return bytes[index]
    }

    /// An integer with an N-bit prefix (RFC 7541 §5.1); the bits above the prefix are ignored.
    mutating func readInteger(prefixBits: Int) throws(HPACKError) -> Int {
        let prefixMax = (1 << prefixBits) - 1
        let first = Int(try peek()) & prefixMax
        index += 1
        guard first == prefixMax else { return first }
        var value = prefixMax
        var shift = 0
        while true {
            let byte = Int(try peek())
            index += 1
            value += (byte & 0x7F) << shift
            guard value <= Self.maxInteger else { throw .integerOverflow }
            guard byte & 0x80 != 0 else { return value }
            shift += 7
            // A value past maxInteger needs at most 5 continuation octets; more is padding abuse.
            guard shift <= 28 else { throw .integerOverflow }
        }
    }

    /// A string literal (RFC 7541 §5.2), Huffman-decoded when its H bit is set.
    /// Returns the decoded octets; their count is what the dynamic table charges.
    mutating func readString() throws(HPACKError) -> [UInt8] {
        let isHuffman = try peek() & 0x80 != 0
        let length = try readInteger(prefixBits: 7)
        guard length <= bytes.count - index else { throw .truncatedBlock }
        let raw = bytes[index..<(index + length)]
        index += length
        return isHuffman ? try Huffman.decode(raw) : Array(raw)
    }
}

/// Writes HPACK primitives (RFC 7541 §5).
enum HPACKWriter {
    /// Appends `value` with an N-bit prefix; `pattern` holds the representation's leading bits.
    static func appendInteger(_ value: Int, prefixBits: Int, pattern: UInt8, into bytes: inout [UInt8]) {
        let prefixMax = (1 << prefixBits) - 1
        guard value >= prefixMax else {
            bytes.append(pattern | UInt8(value))
            return
        }
        bytes.append(pattern | UInt8(prefixMax))
        var remainder = value - prefixMax
        while remainder >= 0x80 {
            bytes.append(UInt8(remainder & 0x7F) | 0x80)
            remainder >>= 7
        }
        bytes.append(UInt8(remainder))
    }

    static func appendString(_ string: String, huffman: Bool, into bytes: inout [UInt8]) {
        let octets = Array(string.utf8)
        if huffman {
            let encoded = Huffman.encode(octets)
            appendInteger(encoded.count, prefixBits: 7, pattern: 0x80, into: &bytes)
            bytes += encoded
        } else {
            appendInteger(octets.count, prefixBits: 7, pattern: 0x00, into: &bytes)
            bytes += octets
        }
    }
}
