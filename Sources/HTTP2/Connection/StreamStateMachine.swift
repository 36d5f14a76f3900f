/// The RFC 9113 §5.1 stream state machine, as one exhaustive table.
///
/// Every (state, input) pair appears below, so adding a state or an input
/// fails to compile until each pair is decided. The machine holds no data:
/// windows, queues and header validation live elsewhere.
public enum StreamStateMachine {
    public static func transition(from state: StreamState, on input: StreamInput) -> StreamTransition {
        switch (state, input) {
        // idle: only HEADERS (or a PUSH_PROMISE reserving it) starts a stream; PRIORITY is harmless.
        case (.idle, .sendHeaders), (.idle, .receiveHeaders): .moved(to: .open)
        case (.idle, .sendPushPromise): .moved(to: .reservedLocal)
        case (.idle, .receivePushPromise): .moved(to: .reservedRemote)
        case (.idle, .receivePriority): .ignored
        case (.idle, .sendData), (.idle, .sendEndStream), (.idle, .sendReset), (.idle, .sendWindowUpdate):
            .rejectedLocally
        case (.idle, .receiveData), (.idle, .receiveEndStream), (.idle, .receiveReset),
            (.idle, .receiveWindowUpdate):
            .connectionError(.protocolError)

        // reserved (local): we may send HEADERS or RST_STREAM; the peer may reset or update windows.
        case (.reservedLocal, .sendHeaders): .moved(to: .halfClosedRemote)
        case (.reservedLocal, .sendReset): .moved(to: .closed(by: .sentReset))
        case (.reservedLocal, .receiveReset): .moved(to: .closed(by: .receivedReset))
        case (.reservedLocal, .receiveWindowUpdate), (.reservedLocal, .receivePriority): .ignored
        case (.reservedLocal, .sendData), (.reservedLocal, .sendEndStream), (.reservedLocal, .sendWindowUpdate),
            (.reservedLocal, .sendPushPromise):
            .rejectedLocally
        case (.reservedLocal, .receiveHeaders), (.reservedLocal, .receiveData), (.reservedLocal, .receiveEndStream),
            (.reservedLocal, .receivePushPromise):
            .connectionError(.protocolError)

        // reserved (remote): the peer may send HEADERS; we may reset or update windows.
        case (.reservedRemote, .receiveHeaders): .moved(to: .halfClosedLocal)
        case (.reservedRemote, .sendReset): .moved(to: .closed(by: .sentReset))
        case (.reservedRemote, .receiveReset): .moved(to: .closed(by: .receivedReset))
        case (.reservedRemote, .sendWindowUpdate), (.reservedRemote, .receivePriority): .ignored
        case (.reservedRemote, .sendHeaders), (.reservedRemote, .sendData), (.reservedRemote, .sendEndStream),
            (.reservedRemote, .sendPushPromise):
            .rejectedLocally
        case (.reservedRemote, .receiveData), (.reservedRemote, .receiveEndStream),
            (.reservedRemote, .receiveWindowUpdate), (.reservedRemote, .receivePushPromise):
            .connectionError(.protocolError)

        // open: anything goes; END_STREAM half-closes, RST_STREAM closes.
        case (.open, .sendHeaders), (.open, .sendData), (.open, .sendWindowUpdate),
            (.open, .receiveHeaders), (.open, .receiveData), (.open, .receiveWindowUpdate),
            (.open, .receivePriority):
            .moved(to: .open)
        case (.open, .sendEndStream): .moved(to: .halfClosedLocal)
        case (.open, .receiveEndStream): .moved(to: .halfClosedRemote)
        case (.open, .sendReset): .moved(to: .closed(by: .sentReset))
        case (.open, .receiveReset): .moved(to: .closed(by: .receivedReset))
        case (.open, .sendPushPromise): .rejectedLocally
        case (.open, .receivePushPromise): .connectionError(.protocolError)

        // half-closed (local): we are done sending; the peer is not.
        case (.halfClosedLocal, .sendWindowUpdate), (.halfClosedLocal, .receiveHeaders),
            (.halfClosedLocal, .receiveData), (.halfClosedLocal, .receiveWindowUpdate),
            (.halfClosedLocal, .receivePriority):
            .moved(to: .halfClosedLocal)
        case (.halfClosedLocal, .receiveEndStream): .moved(to: .closed(by: .receivedEndStream))
        case (.halfClosedLocal, .sendReset): .moved(to: .closed(by: .sentReset))
        case (.halfClosedLocal, .receiveReset): .moved(to: .closed(by: .receivedReset))
        case (.halfClosedLocal, .sendHeaders), (.halfClosedLocal, .sendData), (.halfClosedLocal, .sendEndStream),
            (.halfClosedLocal, .sendPushPromise):
            .rejectedLocally
        case (.halfClosedLocal, .receivePushPromise): .connectionError(.protocolError)

        // half-closed (remote): the peer is done; more HEADERS or DATA from it is STREAM_CLOSED (§5.1).
        case (.halfClosedRemote, .sendHeaders), (.halfClosedRemote, .sendData),
            (.halfClosedRemote, .receiveWindowUpdate), (.halfClosedRemote, .receivePriority):
            .moved(to: .halfClosedRemote)
        case (.halfClosedRemote, .sendEndStream): .moved(to: .closed(by: .sentEndStream))
        case (.halfClosedRemote, .sendReset): .moved(to: .closed(by: .sentReset))
        case (.halfClosedRemote, .receiveReset): .moved(to: .closed(by: .receivedReset))
        case (.halfClosedRemote, .sendWindowUpdate), (.halfClosedRemote, .sendPushPromise): .rejectedLocally
        case (.halfClosedRemote, .receiveHeaders), (.halfClosedRemote, .receiveData),
            (.halfClosedRemote, .receiveEndStream):
            .streamError(.streamClosed)
        case (.halfClosedRemote, .receivePushPromise): .connectionError(.protocolError)

        // closed after our RST_STREAM: the peer may not have seen it yet, so ignore what it sent (§5.1).
        case (.closed(by: .sentReset), .receiveHeaders), (.closed(by: .sentReset), .receiveData),
            (.closed(by: .sentReset), .receiveEndStream), (.closed(by: .sentReset), .receiveReset),
            (.closed(by: .sentReset), .receiveWindowUpdate), (.closed(by: .sentReset), .receivePriority),
            (.closed(by: .sentReset), .sendReset):
            .ignored
        case (.closed(by: .sentReset), .receivePushPromise): .connectionError(.protocolError)

        // closed after the peer's RST_STREAM: anything but PRIORITY is STREAM_CLOSED (§5.1); never
        // answer RST_STREAM with RST_STREAM (§5.4.2).
        case (.closed(by: .receivedReset), .receivePriority), (.closed(by: .receivedReset), .receiveReset),
            (.closed(by: .receivedReset), .sendReset):
            .ignored
        case (.closed(by: .receivedReset), .receiveHeaders), (.closed(by: .receivedReset), .receiveData),
            (.closed(by: .receivedReset), .receiveEndStream), (.closed(by: .receivedReset), .receiveWindowUpdate):
            .streamError(.streamClosed)
        case (.closed(by: .receivedReset), .receivePushPromise): .connectionError(.protocolError)

        // closed by END_STREAM both ways: the peer already ended, so HEADERS or DATA from it is a
        // connection error; WINDOW_UPDATE and RST_STREAM may cross our END_STREAM in flight (§5.1).
        case (.closed(by: .sentEndStream), .receiveWindowUpdate), (.closed(by: .sentEndStream), .receiveReset),
            (.closed(by: .sentEndStream), .receivePriority), (.closed(by: .sentEndStream), .sendReset),
            (.closed(by: .receivedEndStream), .receiveWindowUpdate),
            (.closed(by: .receivedEndStream), .receiveReset),
            (.closed(by: .receivedEndStream), .receivePriority), (.closed(by: .receivedEndStream), .sendReset):
            .ignored
        case (.closed(by: .sentEndStream), .receiveHeaders), (.closed(by: .sentEndStream), .receiveData),
            (.closed(by: .sentEndStream), .receiveEndStream), (.closed(by: .receivedEndStream), .receiveHeaders),
            (.closed(by: .receivedEndStream), .receiveData), (.closed(by: .receivedEndStream), .receiveEndStream):
            .connectionError(.streamClosed)
        case (.closed(by: .sentEndStream), .receivePushPromise), (.closed(by: .receivedEndStream), .receivePushPromise):
            .connectionError(.protocolError)

        // Nothing but a redundant RST_STREAM may be sent on a closed stream.
        case (.closed, .sendHeaders), (.closed, .sendData), (.closed, .sendEndStream),
            (.closed, .sendWindowUpdate), (.closed, .sendPushPromise):
            .rejectedLocally
        }
    }
}
