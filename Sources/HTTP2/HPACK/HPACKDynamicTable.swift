/// The HPACK dynamic table (RFC 7541 §2.3.2, §4): newest entry first, evicted
/// from the oldest end so that its size never exceeds `maxSize`.
///
/// Sizes are counted in wire octets (name + value + 32), stored per entry, so a
/// value decoded lossily into a `String` still counts exactly as the peer counts it.
struct HPACKDynamicTable: Sendable {
    struct Entry: Hashable, Sendable {
        var name: String
        var value: String
        /// Octet lengths as on the wire.
        var nameSize: Int
        var valueSize: Int

        var size: Int { nameSize + valueSize + 32 }
    }

    /// Oldest first, so that inserting appends and evicting removes from the front.
    private var entries: [Entry] = []
    private(set) var size = 0
    private(set) var maxSize: Int

    init(maxSize: Int) {
        self.maxSize = maxSize
    }

    var count: Int { entries.count }

    /// The entry at a 0-based position counted from the newest.
    subscript(position: Int) -> Entry {
        entries[entries.count - 1 - position]
    }

    /// Adds an entry, evicting old ones first. An entry larger than the whole
    /// table empties it and is not added (RFC 7541 §4.4).
    mutating func insert(_ entry: Entry) {
        evict(toFit: maxSize - entry.size)
        guard entry.size <= maxSize else { return }
        entries.append(entry)
        size += entry.size
    }

    mutating func setMaxSize(_ newMaxSize: Int) {
        maxSize = newMaxSize
        evict(toFit: newMaxSize)
    }

    /// 0-based position (from the newest) of an exact match, then of a name-only match.
    func search(name: String, value: String) -> (exact: Int?, nameOnly: Int?) {
        var nameOnly: Int?
        for position in 0..<entries.count {
            let entry = self[position]
            guard entry.name == name else { continue }
            if entry.value == value { return (position, nameOnly) }
            if nameOnly == nil { nameOnly = position }
        }
        return (nil, nameOnly)
    }

    private mutating func evict(toFit limit: Int) {
        var evictCount = 0
        while size > max(limit, 0) && evictCount < entries.count {
            size -= entries[evictCount].size
            evictCount += 1
        }
        entries.removeFirst(evictCount)
    }
}
