/// A field selector (`metadata.name=db-0,status.phase!=Running`): comma-separated `=`, `==`
/// or `!=` requirements, ANDed. Backslash escapes `\,`, `\=` and `\\` in values, as in
/// apimachinery's `fields.ParseSelector`.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    public struct Requirement: Sendable, Hashable {
        public var field: String
        /// false for `!=`.
        public var equal: Bool
        public var value: String

        public init(field: String, equal: Bool = true, value: String) {
            self.field = field
            self.equal = equal
            self.value = value
        }
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) {
        self.requirements = requirements
    }

    /// `metadata.name=<name>`: how a single object is watched.
    public static func name(_ name: String) -> FieldSelector {
        FieldSelector([Requirement(field: "metadata.name", value: name)])
    }

    public init(parsing text: String) throws(LabelSelectorError) {
        var requirements: [Requirement] = []
        for term in Self.splitUnescaped(text, on: ",") where !term.isEmpty {
            let (field, op, value) = try Self.splitTerm(term)
            requirements.append(Requirement(field: field, equal: op != "!=", value: Self.unescape(value)))
        }
        self.requirements = requirements
    }

    /// Whether an object whose field values `lookup` returns is selected (a missing field reads
    /// as the empty string, as on the server).
    public func matches(_ lookup: (String) -> String?) -> Bool {
        requirements.allSatisfy { ($0.equal) == ((lookup($0.field) ?? "") == $0.value) }
    }

    public var description: String {
        requirements.map { "\($0.field)\($0.equal ? "=" : "!=")\(Self.escape($0.value))" }.joined(separator: ",")
    }

    private static func splitTerm(_ term: String) throws(LabelSelectorError) -> (String, String, String) {
        let characters = Array(term)
        var index = 0
        while index < characters.count {
            if characters[index] == "\\" {
                index += 2
                continue
            }
            for op in ["!=", "==", "="] {
                let end = index + op.count
                if end <= characters.count, String(characters[index..<end]) == op {
                    let field = String(characters[..<index])
                    guard !field.isEmpty else { break }
                    return (field, op, String(characters[end...]))
                }
            }
            index += 1
        }
        throw LabelSelectorError("invalid selector: '\(term)'; can't understand '\(term)'")
    }

    private static func splitUnescaped(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "\\" || character == "," || character == "=" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
