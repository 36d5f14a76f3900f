import HTTP2
import Testing

@testable import GRPC

@Suite("Request and response headers")
struct HeadersTests {
    static let request = [
        HeaderField(":method", "POST"), HeaderField(":scheme", "http"), HeaderField(":path", "/a.B/C"),
        HeaderField(":authority", "localhost"), HeaderField("content-type", "application/grpc+proto"),
        HeaderField("te", "trailers"), HeaderField("grpc-timeout", "5S"), HeaderField("grpc-encoding", "gzip"),
        HeaderField("grpc-accept-encoding", "gzip,identity"), HeaderField("authorization", "Bearer t"),
    ]

    @Test("a valid request parses with its timeout, encodings and metadata")
    func validRequest() throws {
        let head = try RequestHead.parse(Self.request, supportedEncodings: [.gzip, .identity]).get()
        #expect(head.path == "/a.B/C")
        #expect(head.timeout == .seconds(5))
        #expect(head.encoding == .gzip)
        #expect(head.acceptedEncodings == [.gzip, .identity])
        #expect(head.metadata["authorization"] == "Bearer t")
    }

    @Test("requests that are not gRPC get an HTTP status, others a gRPC status")
    func rejections() {
        func parse(replacing name: String, with value: String) -> Result<RequestHead, RequestHead.Rejection> {
            let fields = Self.request.map { $0.name == name ? HeaderField(name, value) : $0 }
            return RequestHead.parse(fields, supportedEncodings: [.gzip, .identity])
        }
        guard case .failure(.httpStatus(405, _)) = parse(replacing: ":method", with: "GET") else {
            Issue.record("GET must be 405")
            return
        }
        guard case .failure(.httpStatus(415, _)) = parse(replacing: "content-type", with: "application/json") else {
            Issue.record("JSON must be 415")
            return
        }
        guard case .failure(.unsupportedEncoding("br")) = parse(replacing: "grpc-encoding", with: "br") else {
            Issue.record("br must be unsupported")
            return
        }
        guard case .failure(.grpcStatus(let status)) = parse(replacing: "grpc-timeout", with: "soon") else {
            Issue.record("a bad timeout must fail")
            return
        }
        #expect(status.code == .internalError)
    }

    @Test("request headers carry the protocol fields and the metadata, timeout rounded up")
    func requestFields() {
        var metadata = Metadata()
        metadata.add("x-trace", "1")
        let fields = RequestHeaders(
            path: "/a.B/C", authority: "h:1", scheme: "https", timeout: .milliseconds(1_500), encoding: .gzip,
            acceptedEncodings: [.gzip], metadata: metadata
        ).fields
        let byName = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(byName[":method"] == "POST")
        #expect(byName["te"] == "trailers")
        #expect(byName["grpc-timeout"] == "1500000u")
        #expect(byName["grpc-encoding"] == "gzip")
        #expect(byName["x-trace"] == "1")
    }

    @Test("responses from proxies map their HTTP status; missing grpc-status is UNKNOWN")
    func responses() {
        let proxy = [HeaderField(":status", "503"), HeaderField("content-type", "text/html")]
        #expect(ResponseHead.statusOfTrailersOnly(proxy).code == .unavailable)
        let notGRPC = [HeaderField(":status", "200"), HeaderField("content-type", "text/html")]
        #expect(throws: GRPCStatus.self) { try ResponseHead.accept(notGRPC, supportedEncodings: [.gzip]).get() }
        #expect(ResponseHead.status(fromTrailers: []).code == .unknown)
        let trailers = [HeaderField("grpc-status", "5"), HeaderField("grpc-message", "no%20such%20thing")]
        #expect(ResponseHead.status(fromTrailers: trailers) == GRPCStatus(.notFound, "no such thing"))
        let unknownEncoding = [
            HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
            HeaderField("grpc-encoding", "snappy"),
        ]
        #expect(throws: GRPCStatus.self) {
            try ResponseHead.accept(unknownEncoding, supportedEncodings: [.gzip]).get()
        }
    }

    @Test("trailers-only responses carry status and message in one block")
    func trailersOnly() {
        let fields = ResponseHeaders.trailersOnly(
            status: GRPCStatus(.unimplemented, "unknown method /x/y"), metadata: Metadata(),
            supportedEncodings: [.gzip, .identity])
        #expect(fields.first == HeaderField(":status", "200"))
        #expect(ResponseHead.statusOfTrailersOnly(fields) == GRPCStatus(.unimplemented, "unknown method /x/y"))
    }
}
