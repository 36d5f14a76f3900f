import HTTP2
import Testing

@testable import GRPC

@Suite("Status, status messages and the HTTP/2 mapping table")
struct StatusTests {
    @Test("all 17 codes keep their wire values and names")
    func codes() {
        #expect(GRPCStatus.Code.allCases.count == 17)
        for code in GRPCStatus.Code.allCases {
            #expect(GRPCStatus.Code(wireValue: code.rawValue) == code)
        }
        #expect(GRPCStatus.Code.internalError.rawValue == 13)
        #expect(GRPCStatus.Code.unauthenticated.description == "UNAUTHENTICATED")
    }

    @Test("a code this version does not know is UNKNOWN", arguments: [-1, 17, 99, 1_000])
    func unknownCodes(_ value: Int) {
        #expect(GRPCStatus.Code(wireValue: value) == .unknown)
    }

    @Test("grpc-message is percent-encoded outside printable ASCII and for %")
    func percentEncoding() {
        #expect(StatusMessageEncoding.encode("plain text") == "plain text")
        #expect(StatusMessageEncoding.encode("100%") == "100%25")
        #expect(StatusMessageEncoding.encode("a\tb\n") == "a%09b%0A")
        #expect(StatusMessageEncoding.encode("\u{263A}") == "%E2%98%BA")
    }

    @Test("the interop special message survives encoding and decoding")
    func specialMessageRoundTrip() {
        let message = "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n"
        let encoded = StatusMessageEncoding.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(StatusMessageEncoding.decode(encoded) == message)
    }

    @Test("a malformed percent sequence is kept as it is", arguments: ["%", "%4", "%zz", "50% off", "a%"])
    func malformedPercent(_ value: String) {
        #expect(StatusMessageEncoding.decode(value) == value)
    }

    @Test("HTTP statuses map as the gRPC table says")
    func httpStatusTable() {
        let table: [(Int, GRPCStatus.Code)] = [
            (400, .internalError), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
            (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable), (500, .unknown),
            (302, .unknown), (200, .unknown),
        ]
        for (status, code) in table {
            #expect(StatusMapping.code(forHTTPStatus: status) == code, "HTTP \(status)")
        }
    }

    @Test("RST_STREAM codes map as PROTOCOL-HTTP2.md says")
    func resetTable() {
        let table: [(HTTP2ErrorCode, GRPCStatus.Code)] = [
            (.noError, .internalError), (.protocolError, .internalError), (.internalError, .internalError),
            (.flowControlError, .internalError), (.settingsTimeout, .internalError), (.frameSizeError, .internalError),
            (.refusedStream, .unavailable), (.cancel, .cancelled), (.compressionError, .internalError),
            (.connectError, .internalError), (.enhanceYourCalm, .resourceExhausted),
            (.inadequateSecurity, .permissionDenied), (.unknown(0x99), .internalError),
        ]
        for (reset, code) in table {
            #expect(StatusMapping.status(forReset: reset, sentBy: .server).code == code, "\(reset)")
        }
        #expect(StatusMapping.status(forConnectionError: .protocolError, reason: "x").code == .unavailable)
    }
}
