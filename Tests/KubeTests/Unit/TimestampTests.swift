import Foundation
import Kube
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test(
        "RFC 3339 texts parse to the right instant",
        arguments: [
            ("2024-01-01T00:00:00Z", Int64(1_704_067_200), Int32(0)),
            ("2024-01-01T00:00:00.000000Z", 1_704_067_200, 0),
            ("2024-02-29T12:34:56.123456Z", 1_709_210_096, 123_456),
            ("2024-01-01T01:00:00+01:00", 1_704_067_200, 0),
            ("1970-01-01T00:00:00.5Z", 0, 500_000),
            ("1969-12-31T23:59:59Z", -1, 0),
            ("2024-01-01T00:00:00.1234567Z", 1_704_067_200, 123_456),
        ])
    func parse(text: String, seconds: Int64, microseconds: Int32) throws {
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed == Timestamp(seconds: seconds, microseconds: microseconds))
    }

    @Test(
        "malformed texts are refused",
        arguments: [
            "", "2024-01-01", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z",
            "x024-01-01T00:00:00Z",
        ])
    func refuse(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("MicroTime and Time encode exactly as the server writes them")
    func encode() throws {
        let instant = Timestamp(seconds: 1_704_067_200, microseconds: 42)
        #expect(instant.rfc3339Micro == "2024-01-01T00:00:00.000042Z")
        #expect(instant.rfc3339 == "2024-01-01T00:00:00Z")
        #expect(Timestamp(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        let spec = LeaseSpec(renewTime: MicroTime(instant))
        let json = String(decoding: try JSONCoding.encode(spec), as: UTF8.self)
        #expect(json == #"{"renewTime":"2024-01-01T00:00:00.000042Z"}"#)
        #expect(try JSONCoding.decode(LeaseSpec.self, from: Data(json.utf8)) == spec)
    }

    @Test("a Date converts to microseconds and back")
    func dates() {
        let date = Date(timeIntervalSince1970: 1_704_067_200.25)
        #expect(Timestamp(date) == Timestamp(seconds: 1_704_067_200, microseconds: 250_000))
        #expect(Timestamp(date).date == date)
        #expect(KubeTime(date).timestamp == Timestamp(seconds: 1_704_067_200))
    }
}
