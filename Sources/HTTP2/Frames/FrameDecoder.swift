/// Splits received bytes into whole frames, accepting any chunking (RFC 9113 §4).
///
/// Paranoid by design: a server-side decoder checks the client connection
/// preface byte by byte as it arrives, every frame's declared length is checked
/// against SETTINGS_MAX_FRAME_SIZE before its body is read, and HEADERS /
/// PUSH_PROMISE are joined with their CONTINUATION frames under the caps of
/// `HeaderBlockAssembler`. Bodies are parsed by `FramePayloadParser`.
public struct FrameDecoder: Sendable {
    /// The client connection preface (RFC 9113 §3.4).
    public static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// The largest frame body we accept: our SETTINGS_MAX_FRAME_SIZE once acknowledged.
    public var maxFrameSize: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var prefaceBytesMatched: Int
    private var headerBlock: HeaderBlockAssembler

    /// - Parameters:
    ///   - expectsClientPreface: true for the server role, which must see the preface first.
    ///   - maxHeaderBlockSize: the largest joined header block accepted, in bytes.
    public init(
        expectsClientPreface: Bool,
        maxFrameSize: Int = Int(HTTP2Settings.defaultMaxFrameSize),
        maxHeaderBlockSize: Int = HTTP2Limits.defaultMaxHeaderBlockSize
    ) {
        self.maxFrameSize = maxFrameSize
        self.prefaceBytesMatched = expectsClientPreface ? 0 : Self.clientPreface.count
        self.headerBlock = HeaderBlockAssembler(maxBlockSize: maxHeaderBlockSize)
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        // Compact only when the consumed prefix dominates, so appends stay amortised O(1).
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil when more bytes are needed.
    ///
    /// A thrown `.stream` error consumed its frame, so decoding may go on; after a
    /// `.connection` error the decoder must not be used again.
    public mutating func nextFrame() throws(HTTP2Error) -> Frame? {
        guard try consumePreface() else { return nil }
        while let frame = try nextRawFrame() {
            if let joined = try headerBlock.accept(frame) {
                return joined
            }
        }
        return nil
    }

    /// Matches the preface across partial reads; fails on the first wrong byte.
    private mutating func consumePreface() throws(HTTP2Error) -> Bool {
        let preface = Self.clientPreface
        while prefaceBytesMatched < preface.count {
            guard readIndex < buffer.count else { return false }
            guard buffer[readIndex] == preface[prefaceBytesMatched] else {
                throw .connection(.protocolError, "invalid client connection preface")
            }
            readIndex += 1
            prefaceBytesMatched += 1
        }
        return true
    }

    private mutating func nextRawFrame() throws(HTTP2Error) -> Frame? {
        guard buffer.count - readIndex >= FrameHeader.byteCount else { return nil }
        let header = FrameHeader(bytes: buffer, at: readIndex)
        // Checked before waiting for the body, so a huge declared length never buffers.
        guard header.length <= maxFrameSize else {
            throw .connection(.frameSizeError, "frame of \(header.length) bytes exceeds \(maxFrameSize)")
        }
        let bodyStart = readIndex + FrameHeader.byteCount
        guard buffer.count - bodyStart >= header.length else { return nil }
        readIndex = bodyStart + header.length
        let body = buffer[bodyStart..<readIndex]
        let payload = try FramePayloadParser.parse(header: header, body: body)
        return Frame(streamID: header.streamID, payload: payload)
    }
}
