/// The stream states of RFC 9113 §5.1.
///
/// `closed` records how the stream closed, because RFC 9113 §5.1 treats a late
/// frame differently depending on it: after we sent RST_STREAM the peer may
/// still have frames in flight (ignore them); after the peer's END_STREAM it
/// may send nothing but WINDOW_UPDATE, RST_STREAM or PRIORITY.
public enum StreamState: Hashable, Sendable {
    case idle
    case reservedLocal
    case reservedRemote
    case open
    case halfClosedLocal
    case halfClosedRemote
    case closed(by: StreamClosedBy)
}

/// The last event that closed a stream.
public enum StreamClosedBy: Hashable, Sendable, CaseIterable {
    /// We sent END_STREAM after the peer had sent its own.
    case sentEndStream
    /// The peer sent END_STREAM after we had sent ours.
    case receivedEndStream
    case sentReset
    case receivedReset
}

extension StreamState: CaseIterable {
    public static let allCases: [StreamState] =
        [.idle, .reservedLocal, .reservedRemote, .open, .halfClosedLocal, .halfClosedRemote]
        + StreamClosedBy.allCases.map { .closed(by: $0) }

    /// Open or half-closed: the states that count against SETTINGS_MAX_CONCURRENT_STREAMS (§5.1.2).
    var isActive: Bool {
        switch self {
        case .open, .halfClosedLocal, .halfClosedRemote: true
        case .idle, .reservedLocal, .reservedRemote, .closed: false
        }
    }

    var closedBy: StreamClosedBy? {
        switch self {
        case .closed(let by): by
        case .idle, .reservedLocal, .reservedRemote, .open, .halfClosedLocal, .halfClosedRemote: nil
        }
    }
}

/// What can happen to a stream: a frame sent or received. A frame carrying
/// END_STREAM is two inputs, the frame and then `sendEndStream`/`receiveEndStream`.
public enum StreamInput: Hashable, Sendable, CaseIterable {
    case sendHeaders
    case sendData
    case sendEndStream
    case sendReset
    case sendWindowUpdate
    case sendPushPromise
    case receiveHeaders
    case receiveData
    case receiveEndStream
    case receiveReset
    case receiveWindowUpdate
    case receivePushPromise
    case receivePriority
}

/// The outcome of one input.
public enum StreamTransition: Hashable, Sendable {
    case moved(to: StreamState)
    /// Allowed but without effect, e.g. frames the peer sent before it saw our RST_STREAM.
    case ignored
    /// We may not send this now; nothing happens (a caller error, not a peer's).
    case rejectedLocally
    /// The peer broke the rules: reset this stream (RST_STREAM).
    case streamError(HTTP2ErrorCode)
    /// The peer broke the rules: end the connection (GOAWAY).
    case connectionError(HTTP2ErrorCode)
}
