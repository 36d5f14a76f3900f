import HTTP2
import Testing

@testable import GRPC

@Suite("Metadata")
struct MetadataTests {
    @Test("binary values travel as base64 and come back, padded or not")
    func binary() throws {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8($0 * 37 & 0xFF) }
            var metadata = Metadata()
            metadata.add("trace-bin", binary: bytes)
            let field = try #require(metadata.headerFields.first)
            #expect(Base64.decode(field.value) == bytes)
            let unpadded = String(field.value.prefix { $0 != "=" })
            #expect(Metadata(headers: [HeaderField("trace-bin", unpadded)]).binaryValue("trace-bin") == bytes)
        }
    }

    @Test("invalid base64 in a -bin value is dropped")
    func invalidBase64() {
        let metadata = Metadata(headers: [HeaderField("x-bin", "!!!"), HeaderField("y-bin", "a")])
        #expect(metadata.isEmpty)
    }

    @Test("reserved headers never appear as metadata, in either direction")
    func reserved() {
        let headers = [
            HeaderField(":path", "/a/b"), HeaderField("content-type", "application/grpc"),
            HeaderField("te", "trailers"),
            HeaderField("grpc-timeout", "1S"), HeaderField("grpc-encoding", "gzip"), HeaderField("x-user", "u"),
        ]
        #expect(Metadata(headers: headers).entries.map(\.key) == ["x-user"])
        var outgoing = Metadata()
        outgoing.add("grpc-status", "0")
        outgoing.add("content-type", "text/plain")
        outgoing.add("connection", "close")
        outgoing.add("ok-key", "v")
        #expect(outgoing.headerFields.map(\.name) == ["ok-key"])
    }

    @Test("keys are lowercased; invalid keys and text values are not sent")
    func validation() {
        var metadata = Metadata()
        metadata.add("X-Mixed", "v")
        metadata.add("bad key", "v")
        metadata.add("text", "line\nbreak")
        metadata.add("text2", " padded")
        metadata.add("plain", "bytes only for -bin keys")
        #expect(metadata.headerFields.map(\.name) == ["x-mixed", "plain"])
    }

    @Test("authorization is sent never-indexed and never printed")
    func credentials() throws {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer secret-token")
        let field = try #require(metadata.headerFields.first)
        #expect(field.isSensitive)
        #expect(!"\(metadata)".contains("secret-token"))
        #expect(!"\(field)".contains("secret-token"))
    }
}
