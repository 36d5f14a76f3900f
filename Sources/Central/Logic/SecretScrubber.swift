import Foundation

/// Removes secrets from data that came from outside before it is stored or shown (event data,
/// log fields): any value under a key that names a credential is replaced. Producers promise not
/// to send secrets; this is the second line (the Go original stored decrypted backup credentials
/// from satellite events).
public enum SecretScrubber {
    static let sensitiveKeyParts = [
        "password", "passwd", "secret", "token", "credential", "private_key", "apikey", "api_key",
    ]
    public static let redacted = "[redacted]"

    public static func isSensitive(key: String) -> Bool {
        let lowered = key.lowercased()
        return sensitiveKeyParts.contains { lowered.contains($0) }
    }

    public static func scrub(_ data: [String: String]) -> [String: String] {
        data.reduce(into: [:]) { result, entry in
            result[entry.key] = isSensitive(key: entry.key) ? redacted : entry.value
        }
    }

    /// Redacts `password=...`-style fragments inside free text (log lines, error messages).
    public static func scrub(text: String) -> String {
        var output = text
        for part in ["password", "passwd", "secret", "token"] {
            var searchStart = output.startIndex
            while let range = output.range(of: part, options: .caseInsensitive, range: searchStart..<output.endIndex) {
                var index = range.upperBound
                // Skip separators such as "=", ":", spaces and quotes, then redact the value.
                while index < output.endIndex, "=: '\"".contains(output[index]) { index = output.index(after: index) }
                var end = index
                while end < output.endIndex, !" ,;'\"&\n".contains(output[end]) { end = output.index(after: end) }
                if end > index {
                    output.replaceSubrange(index..<end, with: redacted)
                    searchStart = output.index(index, offsetBy: redacted.count)
                } else {
                    searchStart = range.upperBound
                }
            }
        }
        return output
    }
}
