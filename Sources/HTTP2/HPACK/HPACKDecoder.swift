/// Decodes header blocks (RFC 7541 §3, §6), keeping the dynamic table in step with the peer's encoder.
///
/// Every block must be decoded in order, even for a stream that will be
/// refused, or the tables drift apart (RFC 9113 §4.3). Past `maxHeaderListSize`
/// the block is still decoded to its end, so the table stays in step, but no
/// more fields are kept; then `headerListTooLarge` is thrown. Keeping fields past
/// the limit would let a small block referencing a large table entry many times
/// expand into megabytes (an "HPACK bomb", CVE-2016-6581).
public struct HPACKDecoder: Sendable {
    private var table: HPACKDynamicTable
    /// The largest table size the peer may choose: our SETTINGS_HEADER_TABLE_SIZE in force.
    public private(set) var maxAllowedTableSize: Int
    /// Set when our limit dropped below the table's size: the next block must start with an update (§4.2).
    private var tableSizeUpdateRequired = false

    public init(maxAllowedTableSize: Int = 4_096) {
        self.table = HPACKDynamicTable(maxSize: maxAllowedTableSize)
        self.maxAllowedTableSize = maxAllowedTableSize
    }

    /// The size the peer's encoder last chose; at most `maxAllowedTableSize`.
    public var dynamicTableMaxSize: Int { table.maxSize }
    public var dynamicTableSize: Int { table.size }
    public var dynamicTableCount: Int { table.count }

    /// Applies a new SETTINGS_HEADER_TABLE_SIZE once the peer has acknowledged it.
    public mutating func setMaxAllowedTableSize(_ newLimit: Int) {
        maxAllowedTableSize = newLimit
        if table.maxSize > newLimit {
            tableSizeUpdateRequired = true
        }
    }

    public mutating func decode(_ block: [UInt8], maxHeaderListSize: Int = .max) throws(HPACKError)
        -> [HeaderField]
    {
        var reader = HPACKReader(block)
        var fields: [HeaderField] = []
        var listSize = 0
        var atBlockStart = true
        while !reader.isAtEnd {
            let first = try reader.peek()
            if first & 0xE0 == 0x20 {
                guard atBlockStart else { throw .tableSizeUpdateNotAtBlockStart }
                try applyTableSizeUpdate(reader.readInteger(prefixBits: 5))
                continue
            }
            guard !tableSizeUpdateRequired else { throw .missingTableSizeUpdate }
            atBlockStart = false
            let field = try decodeField(first, &reader)
            listSize += field.size
            if listSize <= maxHeaderListSize {
                fields.append(field.header)
            }
        }
        guard !tableSizeUpdateRequired else { throw .missingTableSizeUpdate }
        guard listSize <= maxHeaderListSize else {
            throw .headerListTooLarge(size: listSize, limit: maxHeaderListSize)
        }
        return fields
    }

    private mutating func applyTableSizeUpdate(_ newSize: Int) throws(HPACKError) {
        guard newSize <= maxAllowedTableSize else {
            throw .tableSizeUpdateAboveLimit(requested: newSize, limit: maxAllowedTableSize)
        }
        table.setMaxSize(newSize)
        tableSizeUpdateRequired = false
    }

    /// One field representation (RFC 7541 §6.1, §6.2); `size` counts wire octets.
    private mutating func decodeField(_ first: UInt8, _ reader: inout HPACKReader) throws(HPACKError)
        -> (header: HeaderField, size: Int)
    {
        if first & 0x80 != 0 {
            let indexed = try entry(at: reader.readInteger(prefixBits: 7))
            return (HeaderField(indexed.name, indexed.value), indexed.size)
        }
        let indexing: Indexing
        let prefixBits: Int
        switch first & 0xF0 {
        case 0x40...0x70:
            (indexing, prefixBits) = (.incremental, 6)
        case 0x10:
            (indexing, prefixBits) = (.never, 4)
        default:
            (indexing, prefixBits) = (.without, 4)
        }
        let nameIndex = try reader.readInteger(prefixBits: prefixBits)
        let name: String
        let nameSize: Int
        if nameIndex == 0 {
            let octets = try reader.readString()
            (name, nameSize) = (String(decoding: octets, as: UTF8.self), octets.count)
        } else {
            let indexed = try entry(at: nameIndex)
            (name, nameSize) = (indexed.name, indexed.nameSize)
        }
        let valueOctets = try reader.readString()
        let entry = HPACKDynamicTable.Entry(
            name: name, value: String(decoding: valueOctets, as: UTF8.self),
            nameSize: nameSize, valueSize: valueOctets.count)
        if indexing == .incremental {
            table.insert(entry)
        }
        return (HeaderField(entry.name, entry.value, isSensitive: indexing == .never), entry.size)
    }

    private enum Indexing {
        case incremental, without, never
    }

    /// Static entries first (1...61), then dynamic ones, newest first (RFC 7541 §2.3.3).
    private func entry(at index: Int) throws(HPACKError) -> HPACKDynamicTable.Entry {
        if index >= 1 && index <= HPACKStaticTable.count {
            let entry = HPACKStaticTable.entries[index - 1]
            return HPACKDynamicTable.Entry(
                name: entry.name, value: entry.value,
                nameSize: entry.name.utf8.count, valueSize: entry.value.utf8.count)
        }
        let position = index - HPACKStaticTable.count - 1
        guard position >= 0 && position < table.count else { throw .invalidIndex(index) }
        return table[position]
    }
}
