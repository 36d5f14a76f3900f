/// Turns payloads into what goes on the wire for one call's encoding, and back.
///
/// The algorithm is the call's `grpc-encoding`; whether a given message is compressed is the
/// sender's choice per message (the flag in its prefix).
public struct MessageCompressor: Hashable, Sendable {
    /// The call's encoding, `.identity` when messages are never compressed.
    public let algorithm: CompressionAlgorithm
    /// The largest decompressed payload accepted, in bytes (the max receive message size).
    public let maxDecompressedSize: Int

    public init(algorithm: CompressionAlgorithm, maxDecompressedSize: Int) {
        self.algorithm = algorithm
        self.maxDecompressedSize = maxDecompressedSize
    }

    /// Frames a payload, compressing it when asked and the call has an encoding.
    public func frame(_ payload: [UInt8], compress: Bool) throws(GRPCStatus) -> LengthPrefixedMessage {
        guard compress, algorithm != .identity else {
            return LengthPrefixedMessage(isCompressed: false, payload: payload)
        }
        do {
            return LengthPrefixedMessage(isCompressed: true, payload: try Zlib.compress(payload, algorithm: algorithm))
        } catch {
            throw GRPCStatus(.internalError, "cannot compress a message with \(algorithm.rawValue)")
        }
    }

    /// The payload of a received message, decompressed when its flag says so.
    /// A compressed message on a call without an encoding is INTERNAL (PROTOCOL-HTTP2.md);
    /// one that inflates beyond the limit is RESOURCE_EXHAUSTED.
    public func payload(of message: LengthPrefixedMessage) throws(GRPCStatus) -> [UInt8] {
        guard message.isCompressed else { return message.payload }
        guard algorithm != .identity else {
            throw GRPCStatus(.internalError, "compressed message received without grpc-encoding")
        }
        do {
            return try Zlib.decompress(message.payload, algorithm: algorithm, limit: maxDecompressedSize)
        } catch {
            switch error {
            case .outputLimitExceeded(let limit):
                throw GRPCStatus(
                    .resourceExhausted, "decompressed message exceeds the limit of \(limit) bytes")
            case .corrupt(let reason):
                throw GRPCStatus(.internalError, "cannot decompress a \(algorithm.rawValue) message: \(reason)")
            }
        }
    }
}
