/// The caller asked the engine for something the protocol does not allow right now.
///
/// Nothing is queued when this is thrown. Some cases are ordinary races the
/// caller must expect (the peer reset the stream, or sent GOAWAY), others are
/// programming errors (sending on a stream that was never opened).
public enum HTTP2UsageError: Error, Hashable, Sendable {
    /// The connection is closed after a connection error or a local close.
    case connectionClosed
    /// GOAWAY was received or sent, so no new stream may be opened.
    case goingAway
    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS is reached.
    case tooManyConcurrentStreams(limit: UInt32)
    /// All stream identifiers (2^31 - 1) have been used; open a new connection.
    case streamIDsExhausted
    /// Only clients open streams: this engine never pushes.
    case serverCannotOpenStreams
    /// The stream is not known: never opened, or closed and forgotten.
    case unknownStream(StreamID)
    /// The stream's state forbids this frame (e.g. DATA after END_STREAM).
    case notAllowedInState(StreamID, StreamState)
    /// Initial headers must be sent before DATA or trailers.
    case headersNotSent(StreamID)
    /// A header field breaks RFC 9113 §8.2 (e.g. an uppercase name).
    case invalidHeader(String)
    /// The encoded header list exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE.
    case headerListTooLarge(size: Int, limit: UInt32)
    /// A setting value is outside the range RFC 9113 §6.5.2 allows.
    case invalidSetting(HTTP2SettingIdentifier, UInt32)
    /// Too many of our SETTINGS frames are still waiting for the peer's ACK.
    case tooManyUnacknowledgedSettings
    /// A configuration field is out of range; the message names the rule.
    case invalidConfiguration(String)
    /// A WINDOW_UPDATE increment must be in 1...2^31-1.
    case invalidWindowIncrement(UInt32)
}
