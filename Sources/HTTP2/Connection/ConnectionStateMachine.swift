/// The connection-level states: before the peer's preface, running, and closed.
///
/// Draining after GOAWAY is not a state of its own: it only restricts which
/// streams may open, which depends on stream ids (see `HTTP2Connection+GoAway`).
public enum ConnectionState: Hashable, Sendable, CaseIterable {
    /// The peer's first frame must be a SETTINGS frame (its preface, RFC 9113 §3.4).
    case awaitingPeerSettings
    case open
    /// After a connection error: received bytes are ignored, only GOAWAY may still be queued.
    case closed
}

/// A frame kind sent or received, as far as the connection-level machine cares.
public enum ConnectionInput: Hashable, Sendable, CaseIterable {
    case sendHeaders, sendData, sendReset, sendSettings, sendPing, sendGoAway, sendWindowUpdate
    case receiveSettings, receiveSettingsAck, receiveStreamFrame, receivePing, receiveGoAway
    case receiveWindowUpdate, receiveUnknownFrame
}

public enum ConnectionTransition: Hashable, Sendable {
    case moved(to: ConnectionState)
    case ignored
    case rejectedLocally
    case connectionError(HTTP2ErrorCode)
}

public enum ConnectionStateMachine {
    public static func transition(from state: ConnectionState, on input: ConnectionInput) -> ConnectionTransition {
        switch (state, input) {
        case (.awaitingPeerSettings, .receiveSettings): .moved(to: .open)
        case (.awaitingPeerSettings, .receiveSettingsAck), (.awaitingPeerSettings, .receiveStreamFrame),
            (.awaitingPeerSettings, .receivePing), (.awaitingPeerSettings, .receiveGoAway),
            (.awaitingPeerSettings, .receiveWindowUpdate), (.awaitingPeerSettings, .receiveUnknownFrame):
            .connectionError(.protocolError)
        // We may speak before the peer's SETTINGS arrive: a client sends requests right after its preface.
        case (.awaitingPeerSettings, .sendHeaders), (.awaitingPeerSettings, .sendData),
            (.awaitingPeerSettings, .sendReset), (.awaitingPeerSettings, .sendSettings),
            (.awaitingPeerSettings, .sendPing), (.awaitingPeerSettings, .sendGoAway),
            (.awaitingPeerSettings, .sendWindowUpdate):
            .moved(to: .awaitingPeerSettings)
        case (.open, _): .moved(to: .open)
        case (.closed, .receiveSettings), (.closed, .receiveSettingsAck), (.closed, .receiveStreamFrame),
            (.closed, .receivePing), (.closed, .receiveGoAway), (.closed, .receiveWindowUpdate),
            (.closed, .receiveUnknownFrame), (.closed, .sendGoAway):
            .ignored
        case (.closed, .sendHeaders), (.closed, .sendData), (.closed, .sendReset), (.closed, .sendSettings),
            (.closed, .sendPing), (.closed, .sendWindowUpdate):
            .rejectedLocally
        }
    }
}
