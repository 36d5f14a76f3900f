import Testing

@testable import GRPC

@Suite("grpc-timeout")
struct TimeoutTests {
    @Test("every unit parses")
    func parsing() {
        let table: [(String, Duration)] = [
            ("1n", .nanoseconds(1)), ("250u", .microseconds(250)), ("100m", .milliseconds(100)), ("30S", .seconds(30)),
            ("2M", .seconds(120)), ("1H", .seconds(3_600)), ("99999999H", .seconds(99_999_999 * 3_600)),
            ("0m", .zero),
        ]
        for (text, expected) in table {
            #expect(GRPCTimeout.parse(text) == expected, "\(text)")
        }
    }

    @Test("malformed values are refused", arguments: ["", "S", "1", "1s", "-1S", "123456789S", "1.5S", "1 S", "١S"])
    func malformed(_ text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test("formatting picks the finest unit that fits 8 digits and never shortens the budget")
    func formatting() {
        let table: [(Duration, String)] = [
            (.nanoseconds(5), "5n"), (.milliseconds(1), "1000000n"), (.milliseconds(100), "100000u"),
            (.seconds(30), "30000000u"), (.seconds(1_000), "1000000m"), (.seconds(100_000_000), "1666667M"),
            (.zero, "0n"), (.seconds(-3), "0n"),
        ]
        for (duration, expected) in table {
            #expect(GRPCTimeout.format(duration) == expected, "\(duration)")
        }
    }

    @Test(
        "a formatted timeout parses back to at least the original", arguments: [1, 999, 123_456_789, 7_777_777_777_777])
    func roundTrip(_ nanoseconds: Int64) throws {
        let duration = Duration.nanoseconds(nanoseconds)
        let parsed = try #require(GRPCTimeout.parse(GRPCTimeout.format(duration)))
        #expect(parsed >= duration)
    }
}
