import Testing

@testable import Sidecar

@Suite("synchronous_standby_names")
struct SynchronousStandbyNamesTests {
    @Test(
        "parsing every form PostgreSQL accepts",
        arguments: [
            ("", []), ("*", ["*"]), ("pg-1", ["pg-1"]), ("\"pg-1\"", ["pg-1"]), ("a, b", ["a", "b"]),
            ("FIRST 1 (a, \"b\")", ["a", "b"]), ("ANY 2 (a,b,c)", ["a", "b", "c"]), ("2 (x, y)", ["x", "y"]),
            ("\"we\"\"ird\"", ["we\"ird"]),
        ] as [(String, [String])])
    func parsing(setting: String, names: [String]) {
        #expect(SynchronousStandbyNames.parse(setting) == names)
    }

    @Test("formatting quotes every name and waits for all of them; parsing reads it back")
    func formatting() {
        #expect(SynchronousStandbyNames.format([]) == "")
        #expect(SynchronousStandbyNames.format(["pg-1"]) == "\"pg-1\"")
        #expect(SynchronousStandbyNames.format(["a", "b\"c"]) == "FIRST 2 (\"a\", \"b\"\"c\")")
        for names in [[], ["pg-1"], ["a", "b\"c"]] {
            #expect(SynchronousStandbyNames.parse(SynchronousStandbyNames.format(names)) == names)
        }
    }
}
