import Glibc

/// One problem with a request field, e.g. `spec.storage.size: must be a Kubernetes quantity`.
public struct FieldIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Syntax rules shared by every resource. Each rule rejects quotes, semicolons, whitespace
/// tricks and control characters by construction (allow-lists, never deny-lists).
public enum Syntax {
    /// Display names of profiles, rules, tiers, satellites and tokens.
    public static func isResourceName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 63, isAlnum(first) else {
            return false
        }
        return text.unicodeScalars.allSatisfy { isAlnum($0) || "._- ".unicodeScalars.contains($0) }
            && text.last != " "
    }

    /// RFC 1123 label: lowercase letters, digits and '-', alphanumeric at both ends.
    public static func isDNSLabel(_ text: String, maximumLength: Int = 63) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= maximumLength else { return false }
        guard isLowerAlnum(scalars.first!), isLowerAlnum(scalars.last!) else { return false }
        return scalars.allSatisfy { isLowerAlnum($0) || $0 == "-" }
    }

    /// RFC 1123 subdomain (dot-separated labels), as Kubernetes object names use.
    public static func isDNSSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }

    /// Cluster names become pod and Service names (`<name>-headless`, `<name>-0`): a DNS label
    /// short enough for every derived name.
    public static func isClusterName(_ text: String) -> Bool {
        isDNSLabel(text, maximumLength: 40) && text.first!.isLetter
    }

    /// Kubernetes label key: optional DNS-subdomain prefix and '/', then a name of at most 63
    /// characters.
    public static func isLabelKey(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isLabelName(String(parts[0]))
        case 2: return isDNSSubdomain(String(parts[0])) && isLabelName(String(parts[1]))
        default: return false
        }
    }

    /// Kubernetes label value: empty, or a label name.
    public static func isLabelValue(_ text: String) -> Bool { text.isEmpty || isLabelName(text) }

    private static func isLabelName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 63, isAlnum(scalars.first!), isAlnum(scalars.last!) else {
            return false
        }
        return scalars.allSatisfy { isAlnum($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// Kubernetes quantity such as `500m`, `1`, `10Gi`, `1.5G`.
    public static func isQuantity(_ text: String) -> Bool {
        var digits = Substring(text)
        for suffix in ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E"]
        where digits.hasSuffix(suffix) {
            digits = digits.dropLast(suffix.count)
            break
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), text.count <= 32 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
    }

    /// A SQL identifier central allows for application databases and roles: letters, digits and
    /// underscores, starting with a letter or underscore, at most 63 bytes (NAMEDATALEN - 1).
    public static func isDatabaseIdentifier(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 63, first == "_" || isLetter(first) else { return false }
        return scalars.allSatisfy { $0 == "_" || isAlnum($0) }
    }

    /// `postgresql.conf` parameter name, optionally qualified by an extension (`pg_stat_statements.max`).
    public static func isParameterName(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), text.count <= 63 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, first == "_" || (first >= "a" && first <= "z") else {
                return false
            }
            return part.unicodeScalars.allSatisfy { $0 == "_" || ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") }
        }
    }

    /// Text without control characters (no line breaks that could start a new config line).
    public static func isSingleLine(_ text: String, maximumLength: Int) -> Bool {
        text.utf8.count <= maximumLength && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f }
    }

    /// IPv4 or IPv6 network in CIDR form (`10.0.0.0/8`, `::1/128`).
    public static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        let address = String(parts[0])
        if !address.contains(":") {
            return inet_pton(AF_INET, address, &buffer) == 1 && (0...32).contains(prefix)
        }
        return inet_pton(AF_INET6, address, &buffer) == 1 && (0...128).contains(prefix)
    }

    static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || (scalar >= "0" && scalar <= "9")
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
    }

    static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Collects issues while checking a request.
public struct Validator: Sendable {
    public private(set) var issues: [FieldIssue] = []

    public init() {}

    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { issues.append(FieldIssue(field, message)) }
    }

    public mutating func add(_ issues: [FieldIssue]) { self.issues += issues }

    /// Throws `APIError.validation` when anything failed.
    public func finish() throws(APIError) {
        if !issues.isEmpty { throw APIError.validation(issues) }
    }
}
