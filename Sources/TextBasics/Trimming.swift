/// String helpers that the failover sidecar's modules need from the standard library alone.
///
/// Foundation's `trimmingCharacters(in:)` lives in the full Foundation, which links CoreFoundation
/// and ICU into a binary; the sidecar links only FoundationEssentials to stay small.
extension StringProtocol {
    /// The text without leading and trailing whitespace, newlines included.
    public var trimmingWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// The text without the leading and trailing characters in `set`.
    public func trimming(_ set: Set<Character>) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = lastIndex(where: { !set.contains($0) })!
        return String(self[first...last])
    }
}

extension String {
    /// Everything before the last `/`: "/a/b/c" → "/a/b", "c" → "", "/c" → "/".
    public var parentDirectory: String {
        guard let slash = lastIndex(of: "/") else { return "" }
        return slash == startIndex ? "/" : String(self[..<slash])
    }
}
