import FoundationEssentials

/// `synchronous_standby_names` as a list of member names, both ways (pure).
///
/// PostgreSQL's grammar: `name [, ...]`, `[FIRST] n (name [, ...])`, `ANY n (name [, ...])`;
/// names may be double-quoted (`""` inside is a quote); `*` matches any standby.
public enum SynchronousStandbyNames {
    /// The names listed, unquoted, in order; `*` stays `*`. An empty setting lists none.
    public static func parse(_ setting: String) -> [String] {
        var text = Substring(setting.trimmedSpaces())
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            text = text[text.index(after: open)..<text.index(before: text.endIndex)]
        }
        var names: [String] = []
        var current = ""
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if quoted {
                if character == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex, text[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                names.append(current.trimmedSpaces())
                current = ""
            } else {
                current.append(character)
            }
            index = text.index(after: index)
        }
        let last = current.trimmedSpaces()
        if !last.isEmpty || !names.isEmpty { names.append(last) }
        return names.filter { !$0.isEmpty }
    }

    /// The setting that makes PostgreSQL wait for every one of `names`: empty for none, the
    /// quoted name for one, `FIRST n (...)` for n names.
    public static func format(_ names: [String]) -> String {
        let quoted = names.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }
        switch quoted.count {
        case 0: return ""
        case 1: return quoted[0]
        default: return "FIRST \(quoted.count) (\(quoted.joined(separator: ", ")))"
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmedSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
