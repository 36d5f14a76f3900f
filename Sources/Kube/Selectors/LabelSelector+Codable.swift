/// The structured form: `{"matchLabels": {...}, "matchExpressions": [{key, operator, values}]}`.
/// Equality requirements become `matchLabels`; `!=` becomes `NotIn` with one value (the same
/// meaning); `>` and `<` have no structured form and cannot be encoded.
extension LabelSelector: Codable {
    private struct Expression: Codable {
        var key: String
        var `operator`: String
        var values: [String]?
    }

    private enum CodingKeys: String, CodingKey {
        case matchLabels, matchExpressions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let labels = try container.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        let expressions = try container.decodeIfPresent([Expression].self, forKey: .matchExpressions) ?? []
        var requirements: [LabelRequirement] = []
        do {
            for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
                requirements.append(try LabelRequirement(key, .equals, [value]))
            }
            for expression in expressions {
                let op: LabelRequirement.Operator
                switch expression.operator {
                case "In": op = .in
                case "NotIn": op = .notIn
                case "Exists": op = .exists
                case "DoesNotExist": op = .doesNotExist
                default: throw LabelSelectorError("\"\(expression.operator)\" is not a valid pod selector operator")
                }
                requirements.append(try LabelRequirement(expression.key, op, expression.values ?? []))
            }
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
        self.init(requirements)
    }

    public func encode(to encoder: any Encoder) throws {
        var labels: [String: String] = [:]
        var expressions: [Expression] = []
        for requirement in requirements {
            switch requirement.operator {
            case .equals, .doubleEquals:
                labels[requirement.key] = requirement.values[0]
            case .in:
                expressions.append(Expression(key: requirement.key, operator: "In", values: requirement.values))
            case .notIn, .notEquals:
                expressions.append(Expression(key: requirement.key, operator: "NotIn", values: requirement.values))
            case .exists:
                expressions.append(Expression(key: requirement.key, operator: "Exists", values: nil))
            case .doesNotExist:
                expressions.append(Expression(key: requirement.key, operator: "DoesNotExist", values: nil))
            case .greaterThan, .lessThan:
                throw EncodingError.invalidValue(
                    requirement,
                    .init(codingPath: encoder.codingPath, debugDescription: "'\(requirement)' has no structured form"))
            }
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !labels.isEmpty { try container.encode(labels, forKey: .matchLabels) }
        if !expressions.isEmpty { try container.encode(expressions, forKey: .matchExpressions) }
    }
}
