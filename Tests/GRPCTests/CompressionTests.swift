import Testing

@testable import GRPC

@Suite("Message compression")
struct CompressionTests {
    static let text = Array(String(repeating: "pg-swarm heartbeat ", count: 500).utf8)

    @Test("gzip and deflate round-trip and actually compress", arguments: [CompressionAlgorithm.gzip, .deflate])
    func roundTrip(_ algorithm: CompressionAlgorithm) throws {
        let compressor = MessageCompressor(algorithm: algorithm, maxDecompressedSize: 1 << 20)
        let framed = try compressor.frame(Self.text, compress: true)
        #expect(framed.isCompressed)
        #expect(framed.payload.count < Self.text.count / 10)
        #expect(try compressor.payload(of: framed) == Self.text)
    }

    @Test("gzip output starts with the gzip magic, which standard peers expect")
    func gzipMagic() throws {
        let compressed = try Zlib.compress([1, 2, 3], algorithm: .gzip)
        #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B])
    }

    @Test("a message may opt out of compression, and identity never compresses")
    func optOut() throws {
        let gzip = MessageCompressor(algorithm: .gzip, maxDecompressedSize: 100)
        #expect(
            try gzip.frame([1, 2], compress: false) == LengthPrefixedMessage(isCompressed: false, payload: [1, 2]))
        let identity = MessageCompressor(algorithm: .identity, maxDecompressedSize: 100)
        #expect(try identity.frame([1, 2], compress: true).isCompressed == false)
    }

    @Test("a zip bomb stops at the receive limit instead of inflating")
    func zipBomb() throws {
        let bomb = try Zlib.compress([UInt8](repeating: 0, count: 64 << 20), algorithm: .gzip)
        #expect(bomb.count < 128 * 1024)
        let compressor = MessageCompressor(algorithm: .gzip, maxDecompressedSize: 4 << 20)
        let message = LengthPrefixedMessage(isCompressed: true, payload: bomb)
        #expect(throws: GRPCStatus(.resourceExhausted, "decompressed message exceeds the limit of 4194304 bytes")) {
            try compressor.payload(of: message)
        }
    }

    @Test("exactly the limit is accepted")
    func exactLimit() throws {
        let payload = [UInt8](repeating: 7, count: 100_000)
        let compressor = MessageCompressor(algorithm: .gzip, maxDecompressedSize: 100_000)
        #expect(try compressor.payload(of: try compressor.frame(payload, compress: true)) == payload)
    }

    @Test("corrupt or truncated data is INTERNAL")
    func corrupt() throws {
        let compressor = MessageCompressor(algorithm: .gzip, maxDecompressedSize: 1 << 20)
        let good = try Zlib.compress(Self.text, algorithm: .gzip)
        for bad in [[1, 2, 3, 4], Array(good.prefix(good.count / 2)), good + [0]] as [[UInt8]] {
            let message = LengthPrefixedMessage(isCompressed: true, payload: bad)
            #expect(throws: GRPCStatus.self) { try compressor.payload(of: message) }
        }
    }

    @Test("a compressed message on a call without grpc-encoding is INTERNAL")
    func compressedWithoutEncoding() {
        let compressor = MessageCompressor(algorithm: .identity, maxDecompressedSize: 100)
        #expect(throws: GRPCStatus(.internalError, "compressed message received without grpc-encoding")) {
            try compressor.payload(of: LengthPrefixedMessage(isCompressed: true, payload: [1]))
        }
    }

    @Test("grpc-accept-encoding lists parse, skipping unknown names")
    func acceptEncoding() {
        #expect(CompressionAlgorithm.parseList("gzip, br ,deflate,identity") == [.gzip, .deflate, .identity])
        #expect(CompressionAlgorithm.parseList("") == [])
        #expect(CompressionAlgorithm.listValue([.gzip, .identity]) == "gzip,identity")
    }
}
