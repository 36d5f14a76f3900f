/// A label selector, in both of Kubernetes' forms: the query-string form
/// (`app=db,role in (primary,replica),!draining`) that `init(parsing:)` reads and `description`
/// prints, and the structured form (`matchLabels` + `matchExpressions`) of StatefulSet and PDB
/// specs, which is its Codable form. Requirements are ANDed; no requirement selects everything.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    public var requirements: [LabelRequirement]

    public init(_ requirements: [LabelRequirement] = []) {
        self.requirements = requirements
    }

    /// Selects objects carrying all of `labels` (equality requirements, sorted by key).
    public static func matchLabels(_ labels: [String: String]) throws(LabelSelectorError) -> LabelSelector {
        var requirements: [LabelRequirement] = []
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            requirements.append(try LabelRequirement(key, .equals, [value]))
        }
        return LabelSelector(requirements)
    }

    /// Parses the query-string form with the grammar and error messages of apimachinery's
    /// `labels.Parse`, so that what this accepts the API server accepts too.
    public init(parsing text: String) throws(LabelSelectorError) {
        var parser = LabelSelectorParser(text)
        requirements = try parser.parse()
    }

    public var isEmpty: Bool { requirements.isEmpty }

    /// Whether an object with `labels` is selected.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }
}

/// One requirement: a key, an operator and (depending on the operator) values.
public struct LabelRequirement: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = ">"
        case lessThan = "<"
    }

    public let key: String
    public let `operator`: Operator
    /// Sorted and unique.
    public let values: [String]

    /// Validates like apimachinery's `NewRequirement`: the key is a qualified name, values are
    /// label values, and the operator gets the number of values it needs.
    public init(_ key: String, _ op: Operator, _ values: [String] = []) throws(LabelSelectorError) {
        if let problem = LabelValidation.qualifiedNameProblem(key) {
            throw LabelSelectorError("key: Invalid value: \"\(key)\": \(problem)")
        }
        let unique = Array(Set(values)).sorted()
        switch op {
        case .equals, .doubleEquals, .notEquals:
            guard unique.count == 1 else {
                throw LabelSelectorError("exact-match compatibility requires one single value")
            }
        case .in, .notIn:
            guard !unique.isEmpty else {
                throw LabelSelectorError("for 'in', 'notin' operators, values set can't be empty")
            }
        case .exists, .doesNotExist:
            guard unique.isEmpty else {
                throw LabelSelectorError("values set must be empty for exists and does not exist")
            }
        case .greaterThan, .lessThan:
            guard unique.count == 1 else {
                throw LabelSelectorError("for 'Gt', 'Lt' operators, exactly one value is required")
            }
            guard Int64(unique[0]) != nil else {
                throw LabelSelectorError("for 'Gt', 'Lt' operators, the value must be an integer")
            }
        }
        if op != .greaterThan && op != .lessThan {
            for value in unique {
                if let problem = LabelValidation.valueProblem(value) {
                    throw LabelSelectorError("values[0][\(key)]: Invalid value: \"\(value)\": \(problem)")
                }
            }
        }
        self.key = key
        self.operator = op
        self.values = unique
    }

    public func matches(_ labels: [String: String]) -> Bool {
        let value = labels[key]
        switch self.operator {
        case .equals, .doubleEquals, .in:
            return value.map { values.contains($0) } ?? false
        case .notEquals, .notIn:
            return value.map { !values.contains($0) } ?? true
        case .exists:
            return value != nil
        case .doesNotExist:
            return value == nil
        case .greaterThan, .lessThan:
            guard let actual = value.flatMap({ Int64($0) }), let bound = values.first.flatMap({ Int64($0) }) else {
                return false
            }
            return self.operator == .greaterThan ? actual > bound : actual < bound
        }
    }

    public var description: String {
        switch self.operator {
        case .equals, .doubleEquals, .notEquals, .greaterThan, .lessThan:
            return key + self.operator.rawValue + (values.first ?? "")
        case .in, .notIn:
            return "\(key) \(self.operator.rawValue) (\(values.joined(separator: ",")))"
        case .exists:
            return key
        case .doesNotExist:
            return "!" + key
        }
    }
}

public struct LabelSelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
