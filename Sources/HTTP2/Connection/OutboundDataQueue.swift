/// DATA a stream wants to send but that flow control has not let out yet, and
/// how the stream ends once it is out (RFC 9113 §6.9: a sender must not exceed
/// the peer's windows, so large messages wait here and leave in window-sized frames).
struct OutboundDataQueue: Sendable {
    /// What follows the last byte.
    enum Ending: Hashable, Sendable {
        /// END_STREAM on the last DATA frame (or an empty one).
        case endStream
        /// A trailing HEADERS frame with END_STREAM, HPACK-encoded only when it is sent,
        /// so the encoder's table changes in the same order as bytes leave.
        case trailers([HeaderField])
    }

    private var chunks: [[UInt8]] = []
    private var headChunk = 0
    private var headOffset = 0
    private(set) var byteCount = 0
    private(set) var ending: Ending?

    var isEmpty: Bool { byteCount == 0 && ending == nil }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        byteCount += bytes.count
    }

    mutating func finish(with ending: Ending) {
        self.ending = ending
    }

    /// Removes up to `maxCount` bytes from the front.
    mutating func take(upTo maxCount: Int) -> [UInt8] {
        var taken: [UInt8] = []
        taken.reserveCapacity(min(maxCount, byteCount))
        while taken.count < maxCount && headChunk < chunks.count {
            let chunk = chunks[headChunk]
            let count = min(maxCount - taken.count, chunk.count - headOffset)
            taken += chunk[headOffset..<(headOffset + count)]
            headOffset += count
            if headOffset == chunk.count {
                headChunk += 1
                headOffset = 0
            }
        }
        byteCount -= taken.count
        if headChunk == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            headChunk = 0
        } else if headChunk > 64 {
            chunks.removeFirst(headChunk)
            headChunk = 0
        }
        return taken
    }

    /// The ending, once every byte before it has been taken.
    mutating func takeEnding() -> Ending? {
        guard byteCount == 0, let ending else { return nil }
        self.ending = nil
        return ending
    }

    mutating func removeAll() {
        self = OutboundDataQueue()
    }
}
