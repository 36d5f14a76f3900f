import Postgres
import PostgresTestSupport
import Testing

@Suite("LSN")
struct LSNTests {
    @Test("parses and prints the X/Y form")
    func roundTrip() {
        let lsn = LSN("16/B374D848")
        #expect(lsn?.rawValue == 0x16_B374_D848)
        #expect(lsn?.description == "16/B374D848")
    }
}
