/// The HPACK Huffman code (RFC 7541 §5.2, Appendix B).
enum Huffman {
    static let eosSymbol = 256

    /// Encoded length in octets, to decide whether Huffman saves space.
    static func encodedLength(_ octets: some Sequence<UInt8>) -> Int {
        var bits = 0
        for octet in octets {
            bits += Int(huffmanCodes[Int(octet)].bitLength)
        }
        return (bits + 7) / 8
    }

    static func encode(_ octets: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encodedLength(octets))
        var accumulator: UInt64 = 0
        var pendingBits = 0
        for octet in octets {
            let (code, length) = huffmanCodes[Int(octet)]
            accumulator = accumulator << UInt64(length) | UInt64(code)
            pendingBits += Int(length)
            while pendingBits >= 8 {
                pendingBits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(pendingBits)))
            }
        }
        if pendingBits > 0 {
            // Pad with the most significant bits of EOS, which are all ones (§5.2).
            let padding = 8 - pendingBits
            output.append(UInt8(truncatingIfNeeded: accumulator << UInt64(padding)) | UInt8((1 << padding) - 1))
        }
        return output
    }

    /// Decodes, rejecting EOS inside the string and padding that is longer than
    /// 7 bits or not a prefix of EOS (RFC 7541 §5.2: both are decoding errors).
    static func decode(_ octets: some Collection<UInt8>) throws(HPACKError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(octets.count * 8 / 5)
        let tree = HuffmanDecodingTree.shared
        var node = 0
        var bitsSinceSymbol = 0
        var paddingIsAllOnes = true
        for octet in octets {
            for shift in stride(from: 7, through: 0, by: -1) {
                let bit = Int(octet >> UInt8(shift)) & 1
                node = tree.child(of: node, bit: bit)
                bitsSinceSymbol += 1
                paddingIsAllOnes = paddingIsAllOnes && bit == 1
                guard node >= 0 else { throw .invalidHuffmanCode }
                if let symbol = tree.symbol(at: node) {
                    guard symbol != eosSymbol else { throw .huffmanContainsEOS }
                    output.append(UInt8(symbol))
                    node = 0
                    bitsSinceSymbol = 0
                    paddingIsAllOnes = true
                }
            }
        }
        guard bitsSinceSymbol <= 7 && paddingIsAllOnes else { throw .huffmanPaddingInvalid }
        return output
    }
}

/// A binary tree over the code, built once: nodes are pairs of child indices,
/// leaves hold a symbol. Decoding walks one bit at a time, which is simple and
/// fast enough for header-sized strings.
struct HuffmanDecodingTree: Sendable {
    static let shared = HuffmanDecodingTree()

    /// children[2 * node + bit] is the child node, or -1 where no code continues.
    private var children: [Int] = [-1, -1]
    /// symbols[node] is the symbol of a leaf, or -1 for an inner node.
    private var symbols: [Int] = [-1]

    private init() {
        for (symbol, (code, length)) in huffmanCodes.enumerated() {
            var node = 0
            for position in stride(from: Int(length) - 1, through: 0, by: -1) {
                let bit = Int(code >> UInt32(position)) & 1
                if children[2 * node + bit] < 0 {
                    children[2 * node + bit] = symbols.count
                    symbols.append(-1)
                    children += [-1, -1]
                }
                node = children[2 * node + bit]
            }
            symbols[node] = symbol
        }
    }

    func child(of node: Int, bit: Int) -> Int {
        children[2 * node + bit]
    }

    func symbol(at node: Int) -> Int? {
        symbols[node] >= 0 ? symbols[node] : nil
    }
}
