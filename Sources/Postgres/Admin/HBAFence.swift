/// The hard fence as a pure transformation of `pg_hba.conf` text.
///
/// `default_transaction_read_only` is a soft fence: any session may turn it off. The hard fence
/// prepends one rule that rejects every TCP connection to a database. pg_hba matches the first
/// rule that fits, so it wins over everything below it, while:
/// - physical replication connections still match the original rules, because the database
///   keyword `all` does not match `replication`, so standbys keep streaming;
/// - Unix-socket connections (`local`) still match the original rules, so the supervisor and the
///   sidecar in the same pod can administer the server and lift the fence.
/// Existing sessions are terminated separately (`PostgresFence`).
public enum HBAFence {
    static let beginMarker = "# BEGIN pg-swarm fence"
    static let endMarker = "# END pg-swarm fence"
    static let block = [
        "\(beginMarker): this node must not accept client writes; only pg-swarm removes this block.",
        "host all all all reject",
        endMarker,
    ]

    public static func isFenced(_ hba: String) -> Bool {
        hba.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasPrefix(beginMarker) }
    }

    /// The file with the fence block first; unchanged if already fenced.
    public static func fenced(_ hba: String) -> String {
        if isFenced(hba) { return hba }
        return (block + [""]).joined(separator: "\n") + hba
    }

    /// The file with every fence block removed; unchanged if not fenced.
    public static func unfenced(_ hba: String) -> String {
        var kept: [Substring] = []
        var insideBlock = false
        for line in hba.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(beginMarker) {
                insideBlock = true
            } else if insideBlock {
                if line.hasPrefix(endMarker) { insideBlock = false }
            } else {
                kept.append(line)
            }
        }
        return kept.joined(separator: "\n")
    }
}
