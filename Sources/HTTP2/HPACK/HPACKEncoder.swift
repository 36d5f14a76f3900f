/// Encodes header lists into header blocks (RFC 7541 §6), maintaining the dynamic table the peer mirrors.
///
/// Strategy: a field found whole in a table is sent as an index; otherwise it
/// is sent as a literal with incremental indexing (reusing a static name index
/// when one exists), except that sensitive fields use the never-indexed literal
/// (§7.1.3), and neither `unindexedNames` nor fields too large for the table are indexed. This is the
/// choice RFC 7541 Appendix C makes, so its examples re-encode byte for byte.
public struct HPACKEncoder: Sendable {
    /// When string literals are Huffman-coded.
    public enum HuffmanPolicy: Hashable, Sendable {
        case never
        case always
        /// Huffman only when it is strictly shorter (the usual choice).
        case whenSmaller
    }

    /// Names whose values are never indexed whatever the caller marks: credentials
    /// must not sit in a table where a compression oracle (CRIME-style) can probe them.
    public static let alwaysSensitiveNames: Set<String> = ["authorization", "proxy-authorization"]

    public var huffmanPolicy: HuffmanPolicy
    /// Names sent as literals without indexing: values that rarely repeat (a
    /// request id, a deadline) would only push useful entries out of the table.
    public var unindexedNames: Set<String> = []
    private var table: HPACKDynamicTable
    /// Size changes not yet announced: the smallest since the last block and the latest (§4.2).
    private var pendingSizeUpdate: (smallest: Int, latest: Int)?

    /// - Parameter maxDynamicTableSize: the size both sides start with; 4,096 per RFC 7541.
    ///   Changing it later with `setMaxDynamicTableSize` is announced to the peer.
    public init(maxDynamicTableSize: Int = 4_096, huffmanPolicy: HuffmanPolicy = .whenSmaller) {
        self.table = HPACKDynamicTable(maxSize: maxDynamicTableSize)
        self.huffmanPolicy = huffmanPolicy
    }

    public var dynamicTableMaxSize: Int { table.maxSize }
    public var dynamicTableSize: Int { table.size }

    /// Resizes the table; the next block starts with the size update(s) the decoder needs.
    public mutating func setMaxDynamicTableSize(_ newSize: Int) {
        guard newSize != table.maxSize || pendingSizeUpdate != nil else { return }
        let smallest = min(pendingSizeUpdate?.smallest ?? newSize, newSize)
        pendingSizeUpdate = (smallest, newSize)
        table.setMaxSize(newSize)
    }

    public mutating func encode(_ fields: [HeaderField]) -> [UInt8] {
        var block: [UInt8] = []
        encode(fields, into: &block)
        return block
    }

    public mutating func encode(_ fields: [HeaderField], into block: inout [UInt8]) {
        if let update = pendingSizeUpdate {
            // A shrink followed by a growth must announce both, or the peer would not evict (§4.2).
            if update.smallest < update.latest {
                HPACKWriter.appendInteger(update.smallest, prefixBits: 5, pattern: 0x20, into: &block)
            }
            HPACKWriter.appendInteger(update.latest, prefixBits: 5, pattern: 0x20, into: &block)
            pendingSizeUpdate = nil
        }
        for field in fields {
            encodeField(field, into: &block)
        }
    }

    private mutating func encodeField(_ field: HeaderField, into block: inout [UInt8]) {
        let sensitive = field.isSensitive || Self.alwaysSensitiveNames.contains(field.name)
        let dynamicMatch = table.search(name: field.name, value: field.value)
        if !sensitive {
            if let index = HPACKStaticTable.index(name: field.name, value: field.value) {
                HPACKWriter.appendInteger(index, prefixBits: 7, pattern: 0x80, into: &block)
                return
            }
            if let position = dynamicMatch.exact {
                HPACKWriter.appendInteger(
                    HPACKStaticTable.count + 1 + position, prefixBits: 7, pattern: 0x80, into: &block)
                return
            }
        }
        let nameIndex =
            HPACKStaticTable.index(name: field.name)
            ?? dynamicMatch.nameOnly.map { HPACKStaticTable.count + 1 + $0 }
            ?? dynamicMatch.exact.map { HPACKStaticTable.count + 1 + $0 }
            ?? 0
        let indexThisField = !sensitive && field.size <= table.maxSize && !unindexedNames.contains(field.name)
        switch (sensitive, indexThisField) {
        case (true, _):
            HPACKWriter.appendInteger(nameIndex, prefixBits: 4, pattern: 0x10, into: &block)
        case (false, true):
            HPACKWriter.appendInteger(nameIndex, prefixBits: 6, pattern: 0x40, into: &block)
        case (false, false):
            HPACKWriter.appendInteger(nameIndex, prefixBits: 4, pattern: 0x00, into: &block)
        }
        if nameIndex == 0 {
            appendString(field.name, into: &block)
        }
        appendString(field.value, into: &block)
        if indexThisField {
            table.insert(
                HPACKDynamicTable.Entry(
                    name: field.name, value: field.value,
                    nameSize: field.name.utf8.count, valueSize: field.value.utf8.count))
        }
    }

    private func appendString(_ string: String, into block: inout [UInt8]) {
        let huffman: Bool
        switch huffmanPolicy {
        case .never: huffman = false
        case .always: huffman = true
        case .whenSmaller: huffman = Huffman.encodedLength(string.utf8) < string.utf8.count
        }
        HPACKWriter.appendString(string, huffman: huffman, into: &block)
    }
}
