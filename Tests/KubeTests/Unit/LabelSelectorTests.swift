import Foundation
import Kube
import Testing

@Suite("Label selectors")
struct LabelSelectorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var printed: String
        var selects: [[String: String]]
        var rejects: [[String: String]]
        var testDescription: String { "\"\(text)\"" }
    }

    static let cases: [Case] = [
        Case(text: "", printed: "", selects: [[:], ["a": "b"]], rejects: []),
        Case(text: "app=db", printed: "app=db", selects: [["app": "db"]], rejects: [["app": "web"], [:]]),
        Case(text: "app == db", printed: "app==db", selects: [["app": "db"]], rejects: [["app": "x"]]),
        Case(text: "app!=db", printed: "app!=db", selects: [["app": "web"], [:]], rejects: [["app": "db"]]),
        Case(
            text: "role in (replica, primary)", printed: "role in (primary,replica)",
            selects: [["role": "primary"], ["role": "replica"]], rejects: [["role": "x"], [:]]),
        Case(
            text: "role notin (primary)", printed: "role notin (primary)", selects: [["role": "replica"], [:]],
            rejects: [["role": "primary"]]),
        Case(text: "app", printed: "app", selects: [["app": ""]], rejects: [[:]]),
        Case(text: "!app", printed: "!app", selects: [[:], ["b": "c"]], rejects: [["app": "x"]]),
        Case(
            text: "app.kubernetes.io/name=pg,!draining,tier notin (a,b)",
            printed: "app.kubernetes.io/name=pg,!draining,tier notin (a,b)",
            selects: [["app.kubernetes.io/name": "pg"]], rejects: [["app.kubernetes.io/name": "pg", "draining": "1"]]),
        Case(text: "gen>3", printed: "gen>3", selects: [["gen": "4"]], rejects: [["gen": "3"], ["gen": "x"], [:]]),
        Case(text: "gen<3", printed: "gen<3", selects: [["gen": "2"]], rejects: [["gen": "3"]]),
        Case(text: "a=", printed: "a=", selects: [["a": ""]], rejects: [["a": "x"], [:]]),
        Case(text: "a in (x,)", printed: "a in (,x)", selects: [["a": ""], ["a": "x"]], rejects: [["a": "y"]]),
        Case(text: "a=in", printed: "a=in", selects: [["a": "in"]], rejects: [[:]]),
    ]

    @Test("a selector parses, prints in canonical form and matches", arguments: cases)
    func parsePrintMatch(_ testCase: Case) throws {
        let selector = try LabelSelector(parsing: testCase.text)
        #expect(selector.description == testCase.printed)
        #expect(try LabelSelector(parsing: selector.description) == selector)
        for labels in testCase.selects { #expect(selector.matches(labels), "\(labels)") }
        for labels in testCase.rejects { #expect(!selector.matches(labels), "\(labels)") }
    }

    @Test(
        "malformed selectors are refused with the server's messages",
        arguments: [
            ("app in x", "unable to parse requirement: found 'x' expected: '('"),
            ("=x", "found '=', expected: !, identifier, or 'end of string'"),
            ("a b", "unable to parse requirement: found 'b', expected: =, !=, ==, in, notin, >, <"),
            ("a in (x", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
            ("a,", "found '', expected: identifier after ','"),
            ("a>x", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"),
            (
                "-bad=x",
                "unable to parse requirement: key: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            ),
            (
                "a=-x",
                "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            ),
            ("a=b)", "found ')', expected: ',' or 'end of string'"),
        ])
    func malformed(text: String, message: String) {
        #expect(throws: LabelSelectorError(message)) { try LabelSelector(parsing: text) }
    }

    @Test("a requirement with the wrong number of values cannot be built")
    func requirementRules() {
        #expect(throws: LabelSelectorError.self) { try LabelRequirement("a", .in, []) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement("a", .exists, ["x"]) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement("a", .equals, ["x", "y"]) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(String(repeating: "k", count: 64), .exists) }
    }

    @Test("the structured form round-trips and != becomes NotIn")
    func structuredForm() throws {
        let selector = try LabelSelector(parsing: "app=db,role in (primary),!draining,zone,tier!=web")
        let json = String(decoding: try JSONCoding.encode(selector), as: UTF8.self)
        #expect(json.contains(#""matchLabels":{"app":"db"}"#))
        #expect(json.contains(#"{"key":"tier","operator":"NotIn","values":["web"]}"#))
        let decoded = try JSONCoding.decode(LabelSelector.self, from: Data(json.utf8))
        for labels: [String: String] in [
            ["app": "db", "role": "primary", "zone": "a"], ["app": "db", "role": "primary"], [:],
        ] {
            #expect(decoded.matches(labels) == selector.matches(labels))
        }
        #expect(throws: (any Error).self) { try JSONCoding.encode(try LabelSelector(parsing: "gen>1")) }
        #expect(throws: (any Error).self) {
            try JSONCoding.decode(
                LabelSelector.self, from: Data(#"{"matchExpressions":[{"key":"a","operator":"Near"}]}"#.utf8))
        }
        #expect(try JSONCoding.decode(LabelSelector.self, from: Data("{}".utf8)).isEmpty)
    }

    @Test("field selectors parse, escape and match")
    func fieldSelectors() throws {
        let selector = try FieldSelector(parsing: #"metadata.name=db-0,status.phase!=Running,a=x\,y"#)
        #expect(selector.requirements.count == 3)
        #expect(selector.requirements[2].value == "x,y")
        #expect(selector.description == #"metadata.name=db-0,status.phase!=Running,a=x\,y"#)
        let fields = ["metadata.name": "db-0", "status.phase": "Pending", "a": "x,y"]
        #expect(selector.matches { fields[$0] })
        #expect(!selector.matches { $0 == "status.phase" ? "Running" : fields[$0] })
        #expect(FieldSelector.name("x").description == "metadata.name=x")
        #expect(throws: LabelSelectorError.self) { try FieldSelector(parsing: "nonsense") }
    }
}
