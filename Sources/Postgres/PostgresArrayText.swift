/// PostgreSQL's text form of one-dimensional arrays: `{a,"b c",NULL}`.
enum PostgresArrayText {
    static func format(_ elements: [String?]) -> String {
        var out = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { out += "," }
            guard let element else {
                out += "NULL"
                continue
            }
            out += "\""
            for character in element {
                if character == "\"" || character == "\\" { out += "\\" }
                out.append(character)
            }
            out += "\""
        }
        return out + "}"
    }

    enum ParseError: Error { case malformed(String) }

    /// Parses a one-dimensional array; NULL elements become nil.
    static func parse(_ text: String) throws -> [String?] {
        var characters = Substring(text)
        // An optional dimension decoration ("[0:1]={...}") is skipped.
        if characters.first == "[", let equals = characters.firstIndex(of: "=") {
            characters = characters[characters.index(after: equals)...]
        }
        guard characters.first == "{", characters.last == "}" else { throw ParseError.malformed(text) }
        let body = characters.dropFirst().dropLast()
        if body.isEmpty { return [] }
        var elements: [String?] = []
        var index = body.startIndex
        while index <= body.endIndex {
            var value = ""
            var quoted = false
            if index < body.endIndex, body[index] == "\"" {
                quoted = true
                index = body.index(after: index)
                var closed = false
                while index < body.endIndex {
                    let character = body[index]
                    if character == "\\" {
                        index = body.index(after: index)
                        guard index < body.endIndex else { throw ParseError.malformed(text) }
                        value.append(body[index])
                    } else if character == "\"" {
                        closed = true
                        index = body.index(after: index)
                        break
                    } else {
                        value.append(character)
                    }
                    index = body.index(after: index)
                }
                guard closed else { throw ParseError.malformed(text) }
            } else {
                while index < body.endIndex, body[index] != "," {
                    if body[index] == "{" || body[index] == "\"" { throw ParseError.malformed(text) }
                    value.append(body[index])
                    index = body.index(after: index)
                }
            }
            elements.append(!quoted && value.uppercased() == "NULL" ? nil : value)
            if index == body.endIndex { break }
            guard body[index] == "," else { throw ParseError.malformed(text) }
            index = body.index(after: index)
            if index == body.endIndex { throw ParseError.malformed(text) }
        }
        return elements
    }
}
