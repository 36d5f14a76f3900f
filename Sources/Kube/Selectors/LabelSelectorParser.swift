/// apimachinery's label-selector lexer and parser (`k8s.io/apimachinery/pkg/labels/selector.go`),
/// re-implemented so that client-side checks and the test double agree with the server.
struct LabelSelectorParser {
    enum Token: Equatable {
        case identifier(String)
        case doesNotExist  // "!"
        case equals, doubleEquals, notEquals, greaterThan, lessThan
        case `in`, notIn
        case openParenthesis, closeParenthesis, comma
        case end

        var literal: String {
            switch self {
            case .identifier(let text): text
            case .doesNotExist: "!"
            case .equals: "="
            case .doubleEquals: "=="
            case .notEquals: "!="
            case .greaterThan: ">"
            case .lessThan: "<"
            case .in: "in"
            case .notIn: "notin"
            case .openParenthesis: "("
            case .closeParenthesis: ")"
            case .comma: ","
            case .end: ""
            }
        }
    }

    private var tokens: [Token] = []
    private var position = 0

    init(_ text: String) {
        tokens = Self.lex(Array(text))
    }

    private static let special: Set<Character> = ["!", "=", ">", "<", "(", ")", ","]

    static func lex(_ characters: [Character]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            if special.contains(character) {
                var operatorText = String(character)
                index += 1
                while index < characters.count, special.contains(characters[index]),
                    ["!=", "=="].contains(operatorText + String(characters[index]))
                {
                    operatorText.append(characters[index])
                    index += 1
                }
                switch operatorText {
                case "!": tokens.append(.doesNotExist)
                case "=": tokens.append(.equals)
                case "==": tokens.append(.doubleEquals)
                case "!=": tokens.append(.notEquals)
                case ">": tokens.append(.greaterThan)
                case "<": tokens.append(.lessThan)
                case "(": tokens.append(.openParenthesis)
                case ")": tokens.append(.closeParenthesis)
                default: tokens.append(.comma)
                }
                continue
            }
            var word = ""
            while index < characters.count, !characters[index].isWhitespace, !special.contains(characters[index]) {
                word.append(characters[index])
                index += 1
            }
            switch word {
            case "in": tokens.append(.in)
            case "notin": tokens.append(.notIn)
            default: tokens.append(.identifier(word))
            }
        }
        tokens.append(.end)
        return tokens
    }

    private func peek() -> Token { tokens[position] }

    private mutating func consume() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func parse() throws(LabelSelectorError) -> [LabelRequirement] {
        var requirements: [LabelRequirement] = []
        while true {
            switch peek() {
            case .end:
                return requirements
            case .identifier, .doesNotExist:
                requirements.append(try parseRequirement())
                switch consume() {
                case .end:
                    return requirements
                case .comma:
                    guard case .identifier = peek() else {
                        if case .doesNotExist = peek() { continue }
                        throw LabelSelectorError("found '\(peek().literal)', expected: identifier after ','")
                    }
                case let other:
                    throw LabelSelectorError("found '\(other.literal)', expected: ',' or 'end of string'")
                }
            case let other:
                throw LabelSelectorError("found '\(other.literal)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(LabelSelectorError) -> LabelRequirement {
        do {
            return try parseRequirementBody()
        } catch {
            throw LabelSelectorError("unable to parse requirement: \(error.message)")
        }
    }

    private mutating func parseRequirementBody() throws(LabelSelectorError) -> LabelRequirement {
        var negated = false
        if case .doesNotExist = peek() {
            negated = true
            _ = consume()
        }
        guard case .identifier(let key) = consume() else {
            throw LabelSelectorError("found '\(tokens[max(0, position - 1)].literal)', expected: identifier")
        }
        if negated { return try LabelRequirement(key, .doesNotExist) }
        switch peek() {
        case .end, .comma:
            return try LabelRequirement(key, .exists)
        default:
            break
        }
        let op: LabelRequirement.Operator
        switch consume() {
        case .equals: op = .equals
        case .doubleEquals: op = .doubleEquals
        case .notEquals: op = .notEquals
        case .greaterThan: op = .greaterThan
        case .lessThan: op = .lessThan
        case .in: op = .in
        case .notIn: op = .notIn
        case let other:
            throw LabelSelectorError(
                "found '\(other.literal)', expected: \(["=", "!=", "==", "in", "notin", ">", "<"].joined(separator: ", "))"
            )
        }
        switch op {
        case .in, .notIn:
            return try LabelRequirement(key, op, parseValueSet())
        default:
            return try LabelRequirement(key, op, [parseExactValue()])
        }
    }

    /// Where a value is expected, `in` and `notin` are plain words.
    private static func asValue(_ token: Token) -> Token {
        switch token {
        case .in, .notIn: .identifier(token.literal)
        default: token
        }
    }

    /// `(v1, v2)`: values separated by commas; an empty value is allowed.
    private mutating func parseValueSet() throws(LabelSelectorError) -> [String] {
        let open = consume()
        guard open == .openParenthesis else { throw LabelSelectorError("found '\(open.literal)' expected: '('") }
        var values: [String] = []
        var expectingValue = true
        while true {
            switch Self.asValue(consume()) {
            case .identifier(let value) where expectingValue:
                values.append(value)
                expectingValue = false
            case .comma:
                if expectingValue { values.append("") }
                expectingValue = true
            case .closeParenthesis:
                if expectingValue { values.append("") }
                return values
            case let other:
                throw LabelSelectorError("found '\(other.literal)', expected: ',', ')' or identifier")
            }
        }
    }

    /// The single value after `=`, `==`, `!=`, `<`, `>`: an identifier, or empty at a comma or
    /// the end.
    private mutating func parseExactValue() throws(LabelSelectorError) -> String {
        switch Self.asValue(peek()) {
        case .end, .comma:
            return ""
        case .identifier(let value):
            _ = consume()
            return value
        case let other:
            throw LabelSelectorError("found '\(other.literal)', expected: identifier")
        }
    }
}
