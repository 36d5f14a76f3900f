/// What `HTTP2Connection.receive` learned from the peer, in the order it happened.
public enum HTTP2Event: Hashable, Sendable {
    /// Initial headers of a request or response, or a 1xx informational response.
    case headersReceived(streamID: StreamID, fields: [HeaderField], endStream: Bool)
    /// A trailing header block; it always ends the peer's side of the stream.
    case trailersReceived(streamID: StreamID, fields: [HeaderField])
    /// Body bytes (padding removed). With `.manual` flow control, report them
    /// with `acknowledgeReceivedData` once consumed, or the peer stalls.
    case dataReceived(streamID: StreamID, data: [UInt8], endStream: Bool)
    /// The stream is over because of something received: the peer's END_STREAM
    /// completed it, the peer reset it, we reset it over a peer error, or GOAWAY
    /// said it was never processed. Closures the caller causes itself (its own
    /// END_STREAM or `resetStream`) are not reported.
    case streamClosed(streamID: StreamID, reason: StreamCloseReason)
    /// The peer granted more send window; stream 0 is the connection window.
    case windowUpdated(streamID: StreamID, increment: UInt32)
    /// The peer's SETTINGS, now applied and acknowledged.
    case settingsReceived([HTTP2Setting])
    /// The peer acknowledged our SETTINGS, which are now in force.
    case settingsAcknowledged([HTTP2Setting])
    /// The peer pinged; the ACK is already queued.
    case pingReceived(PingData)
    /// The peer answered one of our PINGs (keepalive).
    case pingAcknowledged(PingData)
    /// The peer is shutting down; streams above `lastStreamID` are closed as not processed.
    case goAwayReceived(lastStreamID: StreamID, code: HTTP2ErrorCode, debugData: [UInt8])
}

/// Why a stream ended.
public enum StreamCloseReason: Hashable, Sendable {
    /// Both sides sent END_STREAM.
    case finished
    case resetByPeer(HTTP2ErrorCode)
    /// We sent RST_STREAM because the peer broke a stream-level rule.
    case resetLocally(HTTP2ErrorCode)
    /// Above the last stream id of the peer's GOAWAY: never processed, safe to retry (RFC 9113 §6.8).
    case notProcessedByPeer
}
