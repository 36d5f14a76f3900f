/// The HPACK static table (RFC 7541 Appendix A). Index 1 is the first entry.
enum HPACKStaticTable {
    static let entries: [(name: String, value: String)] = [
        (":authority", ""),
        (":method", "GET"),
        (":method", "POST"),
        (":path", "/"),
        (":path", "/index.html"),
        (":scheme", "http"),
        (":scheme", "https"),
        (":status", "200"),
        (":status", "204"),
        (":status", "206"),
        (":status", "304"),
        (":status", "400"),
        (":status", "404"),
        (":status", "500"),
        ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"),
        ("accept-language", ""),
        ("accept-ranges", ""),
        ("accept", ""),
        ("access-control-allow-origin", ""),
        ("age", ""),
        ("allow", ""),
        ("authorization", ""),
        ("cache-control", ""),
        ("content-disposition", ""),
        ("content-encoding", ""),
        ("content-language", ""),
        ("content-length", ""),
        ("content-location", ""),
        ("content-range", ""),
        ("content-type", ""),
        ("cookie", ""),
        ("date", ""),
        ("etag", ""),
        ("expect", ""),
        ("expires", ""),
        ("from", ""),
        ("host", ""),
        ("if-match", ""),
        ("if-modified-since", ""),
        ("if-none-match", ""),
        ("if-range", ""),
        ("if-unmodified-since", ""),
        ("last-modified", ""),
        ("link", ""),
        ("location", ""),
        ("max-forwards", ""),
        ("proxy-authenticate", ""),
        ("proxy-authorization", ""),
        ("range", ""),
        ("referer", ""),
        ("refresh", ""),
        ("retry-after", ""),
        ("server", ""),
        ("set-cookie", ""),
        ("strict-transport-security", ""),
        ("transfer-encoding", ""),
        ("user-agent", ""),
        ("vary", ""),
        ("via", ""),
        ("www-authenticate", ""),
    ]

    static var count: Int { entries.count }

    private struct NameValue: Hashable {
        var name: String
        var value: String
    }

    /// Lowest static index (1-based) holding exactly this name and value.
    private static let indexByField: [NameValue: Int] = {
        var map: [NameValue: Int] = [:]
        for (offset, entry) in entries.enumerated() where map[NameValue(name: entry.name, value: entry.value)] == nil {
            map[NameValue(name: entry.name, value: entry.value)] = offset + 1
        }
        return map
    }()

    /// Lowest static index (1-based) holding this name.
    private static let indexByName: [String: Int] = {
        var map: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() where map[entry.name] == nil {
            map[entry.name] = offset + 1
        }
        return map
    }()

    static func index(name: String, value: String) -> Int? {
        indexByField[NameValue(name: name, value: value)]
    }

    static func index(name: String) -> Int? {
        indexByName[name]
    }
}
