import HTTP2

/// What a call receives on its stream, in order: what the peer sent, then how the stream ended.
enum StreamPart: Sendable {
    case headers([HeaderField], endStream: Bool)
    case data([UInt8], endStream: Bool)
    case trailers([HeaderField])
    /// The HTTP/2 stream is over (after END_STREAM both ways, or a reset).
    case closed(StreamCloseReason)
}
