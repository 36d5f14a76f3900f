/// Joins a HEADERS or PUSH_PROMISE frame with the CONTINUATION frames that follow it
/// (RFC 9113 §6.10), so the rest of the engine only sees whole field blocks.
///
/// While a block is open, any other frame is a connection PROTOCOL_ERROR (§4.3).
/// The number of CONTINUATION frames and the joined size are capped: without a
/// cap a peer can stream CONTINUATION frames forever and make us buffer them
/// (the 2024 "CONTINUATION flood", CVE-2024-27316 and siblings).
struct HeaderBlockAssembler: Sendable {
    /// Enough for any real header list split into minimum-size frames; a peer
    /// needing more is attacking or broken. Same order as python-hyper/h2's
    /// CONTINUATION_BACKLOG.
    static let maxContinuationFrames = 64

    /// A header block waiting for its END_HEADERS.
    private enum OpenBlock: Sendable {
        case headers(StreamID, HeadersPayload)
        case pushPromise(StreamID, PushPromisePayload)

        var streamID: StreamID {
            switch self {
            case .headers(let id, _), .pushPromise(let id, _): id
            }
        }

        mutating func append(_ continuation: ContinuationPayload) -> Int {
            switch self {
            case .headers(let id, var headers):
                headers.fieldBlock += continuation.fieldBlockFragment
                headers.endHeaders = continuation.endHeaders
                self = .headers(id, headers)
                return headers.fieldBlock.count
            case .pushPromise(let id, var promise):
                promise.fieldBlock += continuation.fieldBlockFragment
                promise.endHeaders = continuation.endHeaders
                self = .pushPromise(id, promise)
                return promise.fieldBlock.count
            }
        }

        func frameSizeWithinLimit(_ limit: Int) -> Bool {
            switch self {
            case .headers(_, let headers): headers.fieldBlock.count <= limit
            case .pushPromise(_, let promise): promise.fieldBlock.count <= limit
            }
        }

        var frame: Frame {
            switch self {
            case .headers(let id, let headers): Frame(streamID: id, payload: .headers(headers))
            case .pushPromise(let id, let promise): Frame(streamID: id, payload: .pushPromise(promise))
            }
        }
    }

    let maxBlockSize: Int
    private var open: OpenBlock?
    private var continuationCount = 0

    init(maxBlockSize: Int) {
        self.maxBlockSize = maxBlockSize
    }

    /// Returns the frame to hand on, or nil while a header block is still incomplete.
    mutating func accept(_ frame: Frame) throws(HTTP2Error) -> Frame? {
        guard var block = open else {
            return try startBlock(frame)
        }
        guard case .continuation(let continuation) = frame.payload, frame.streamID == block.streamID else {
            throw .connection(.protocolError, "frame interleaved in the header block of stream \(block.streamID)")
        }
        continuationCount += 1
        guard continuationCount <= Self.maxContinuationFrames else {
            throw .connection(.enhanceYourCalm, "more than \(Self.maxContinuationFrames) CONTINUATION frames")
        }
        let size = block.append(continuation)
        guard size <= maxBlockSize else {
            throw .connection(.enhanceYourCalm, "header block larger than \(maxBlockSize) bytes")
        }
        guard continuation.endHeaders else {
            open = block
            return nil
        }
        open = nil
        return block.frame
    }

    private mutating func startBlock(_ frame: Frame) throws(HTTP2Error) -> Frame? {
        let block: OpenBlock
        switch frame.payload {
        case .headers(let headers):
            guard !headers.endHeaders else { return frame }
            block = .headers(frame.streamID, headers)
        case .pushPromise(let promise):
            guard !promise.endHeaders else { return frame }
            block = .pushPromise(frame.streamID, promise)
        case .continuation:
            throw .connection(.protocolError, "CONTINUATION without an open header block")
        case .data, .priority, .rstStream, .settings, .ping, .goAway, .windowUpdate, .unknown:
            return frame
        }
        guard block.frameSizeWithinLimit(maxBlockSize) else {
            throw .connection(.enhanceYourCalm, "header block larger than \(maxBlockSize) bytes")
        }
        open = block
        continuationCount = 0
        return nil
    }
}
