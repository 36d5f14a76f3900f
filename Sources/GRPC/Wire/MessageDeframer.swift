/// Splits the DATA bytes of one stream into length-prefixed messages, in any chunking.
///
/// Paranoid like a frame decoder: the declared length is checked against the receive limit
/// *before* any of the payload is buffered, so a peer cannot make us hold more than
/// `maxMessageSize` plus one prefix for a message we will refuse anyway.
public struct MessageDeframer: Sendable {
    /// The largest payload accepted, in bytes (before decompression).
    public let maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    public init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    public mutating func append(_ bytes: [UInt8]) {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        buffer += bytes
    }

    /// Bytes received that are not part of a returned message yet.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// The next whole message, nil when more bytes are needed.
    /// Throws RESOURCE_EXHAUSTED for a message above the limit and INTERNAL for a bad flag.
    public mutating func nextMessage() throws(GRPCStatus) -> LengthPrefixedMessage? {
        guard bufferedByteCount >= LengthPrefixedMessage.prefixSize else { return nil }
        let flag = buffer[readIndex]
        guard flag <= 1 else {
            throw GRPCStatus(.internalError, "message prefix with invalid compressed flag \(flag)")
        }
        var length = 0
        for offset in 1...4 {
            length = length << 8 | Int(buffer[readIndex + offset])
        }
        guard length <= maxMessageSize else {
            throw GRPCStatus(
                .resourceExhausted, "received message of \(length) bytes exceeds the limit of \(maxMessageSize) bytes")
        }
        guard bufferedByteCount >= LengthPrefixedMessage.prefixSize + length else { return nil }
        let start = readIndex + LengthPrefixedMessage.prefixSize
        let payload = Array(buffer[start..<(start + length)])
        readIndex = start + length
        compactIfWorthwhile()
        return LengthPrefixedMessage(isCompressed: flag == 1, payload: payload)
    }

    /// Drops consumed bytes once they are the larger part of the buffer, so a long stream of
    /// small messages does not keep every byte it ever received.
    private mutating func compactIfWorthwhile() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
            readIndex = 0
        } else if readIndex > buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    /// Capacity kept for reuse after the buffer empties: enough for typical messages, so an
    /// 8 MiB message does not pin 8 MiB per idle stream afterwards.
    static let retainedCapacity = 64 * 1024
}
