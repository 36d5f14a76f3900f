/// A received message's payload, decompressed, and whether it travelled compressed.
public struct ReceivedMessage: Hashable, Sendable {
    public var payload: [UInt8]
    public var wasCompressed: Bool
}

/// Turns one stream's DATA bytes into message payloads: deframing, then decompression, both
/// bounded by the max receive message size.
struct MessageReader: Sendable {
    private var deframer: MessageDeframer
    private let compressor: MessageCompressor

    init(encoding: CompressionAlgorithm, maxMessageSize: Int) {
        deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        compressor = MessageCompressor(algorithm: encoding, maxDecompressedSize: maxMessageSize)
    }

    /// Bytes held for messages not returned yet (a partial message, or several small ones).
    var bufferedByteCount: Int { deframer.bufferedByteCount }

    mutating func append(_ bytes: [UInt8]) {
        deframer.append(bytes)
    }

    mutating func next() throws(GRPCStatus) -> ReceivedMessage? {
        guard let message = try deframer.nextMessage() else { return nil }
        return ReceivedMessage(payload: try compressor.payload(of: message), wasCompressed: message.isCompressed)
    }

    /// At the end of the stream no partial message may be left (PROTOCOL-HTTP2.md).
    func checkComplete() throws(GRPCStatus) {
        guard deframer.bufferedByteCount == 0 else {
            throw GRPCStatus(.internalError, "stream ended inside a message (\(deframer.bufferedByteCount) bytes left)")
        }
    }
}
