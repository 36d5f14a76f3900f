/// Label key and value rules (apimachinery `validation.IsQualifiedName`, `IsValidLabelValue`).
enum LabelValidation {
    static let maximumNameLength = 63
    static let maximumPrefixLength = 253

    /// Why `key` is not a qualified name (`[prefix/]name`), or nil.
    static func qualifiedNameProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            if parts[0].isEmpty { return "prefix part must be non-empty" }
            if !DNSNames.isSubdomain(String(parts[0])) {
                return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                    + " '-' or '.', and must start and end with an alphanumeric character"
            }
            name = parts[1]
        default:
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and"
                + " end with an alphanumeric character"
        }
        if name.isEmpty { return "name part must be non-empty" }
        if name.count > maximumNameLength { return "name part must be no more than 63 characters" }
        if !isNameOrValue(name) {
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
                + " an alphanumeric character"
        }
        return nil
    }

    /// Why `value` is not a label value (empty is allowed), or nil.
    static func valueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if value.count > maximumNameLength { return "must be no more than 63 characters" }
        if !isNameOrValue(Substring(value)) {
            return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.',"
                + " and must start and end with an alphanumeric character"
        }
        return nil
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    private static func isNameOrValue(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last, first.isASCIIAlphanumeric, last.isASCIIAlphanumeric else {
            return false
        }
        return text.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" || $0 == "." }
    }
}

/// DNS-style name rules used for object names (apimachinery `validation.IsDNS1123Subdomain`...).
public enum DNSNames {
    /// RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', alphanumeric at both ends of
    /// every label, at most 253 characters. Names of most kinds.
    public static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabelBody($0) }
    }

    /// RFC 1123 label: at most 63 characters, lower-case alphanumerics and '-', alphanumeric at
    /// both ends. Names of namespaces.
    public static func isLabel(_ text: String) -> Bool {
        text.utf8.count <= 63 && isLabelBody(Substring(text))
    }

    /// RFC 1035 label: an RFC 1123 label that starts with a letter. Names of services.
    public static func isRFC1035Label(_ text: String) -> Bool {
        isLabel(text) && (text.first?.isLetter ?? false)
    }

    private static func isLabelBody(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last, text.count <= 63 else { return false }
        func allowedEdge(_ character: Character) -> Bool {
            character.isASCII && (character.isLowercase || character.isNumber)
        }
        return allowedEdge(first) && allowedEdge(last)
            && text.allSatisfy { allowedEdge($0) || $0 == "-" }
    }
}

extension Character {
    var isASCIIAlphanumeric: Bool {
        isASCII && (isLetter || isNumber)
    }
}
