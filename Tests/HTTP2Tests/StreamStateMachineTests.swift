import Testing

@testable import HTTP2

@Suite("Stream state machine")
struct StreamStateMachineTests {
    static let pairs: [(StreamState, StreamInput)] = StreamState.allCases.flatMap { state in
        StreamInput.allCases.map { (state, $0) }
    }

    static func isReceive(_ input: StreamInput) -> Bool {
        switch input {
        case .receiveHeaders, .receiveData, .receiveEndStream, .receiveReset, .receiveWindowUpdate,
            .receivePushPromise, .receivePriority:
            true
        case .sendHeaders, .sendData, .sendEndStream, .sendReset, .sendWindowUpdate, .sendPushPromise:
            false
        }
    }

    @Test("every state and input lands in a valid state or a protocol error", arguments: pairs)
    func everyPair(_ state: StreamState, _ input: StreamInput) {
        switch StreamStateMachine.transition(from: state, on: input) {
        case .moved(let next):
            #expect(StreamState.allCases.contains(next))
            if case .closed = state {
                Issue.record("a closed stream never moves")
            }
        case .ignored:
            break
        case .rejectedLocally:
            #expect(!Self.isReceive(input), "only our own sends are rejected locally")
        case .streamError(let code), .connectionError(let code):
            #expect(Self.isReceive(input), "only the peer's frames are protocol errors")
            #expect([.protocolError, .streamClosed].contains(code))
        }
    }

    @Test("a stream closed by our RST_STREAM ignores everything the peer still sends", arguments: StreamInput.allCases)
    func sentResetIgnoresLateFrames(_ input: StreamInput) {
        guard Self.isReceive(input), input != .receivePushPromise else { return }
        #expect(StreamStateMachine.transition(from: .closed(by: .sentReset), on: input) == .ignored)
    }

    struct Scenario: CustomTestStringConvertible, Sendable {
        var sentence: String
        var state: StreamState
        var input: StreamInput
        var expected: StreamTransition
        var testDescription: String { sentence }
    }

    static let scenarios: [Scenario] = [
        Scenario(
            sentence: "a request opens an idle stream", state: .idle, input: .receiveHeaders,
            expected: .moved(to: .open)),
        Scenario(
            sentence: "the peer's END_STREAM half-closes an open stream", state: .open, input: .receiveEndStream,
            expected: .moved(to: .halfClosedRemote)),
        Scenario(
            sentence: "our END_STREAM after the peer's closes the stream", state: .halfClosedRemote,
            input: .sendEndStream, expected: .moved(to: .closed(by: .sentEndStream))),
        Scenario(
            sentence: "the peer's END_STREAM after ours closes the stream", state: .halfClosedLocal,
            input: .receiveEndStream, expected: .moved(to: .closed(by: .receivedEndStream))),
        Scenario(
            sentence: "DATA after the peer's END_STREAM is a stream error", state: .halfClosedRemote,
            input: .receiveData, expected: .streamError(.streamClosed)),
        Scenario(
            sentence: "DATA after both END_STREAMs is a connection error", state: .closed(by: .receivedEndStream),
            input: .receiveData, expected: .connectionError(.streamClosed)),
        Scenario(
            sentence: "WINDOW_UPDATE may cross our END_STREAM", state: .closed(by: .sentEndStream),
            input: .receiveWindowUpdate, expected: .ignored),
        Scenario(
            sentence: "DATA after the peer's RST_STREAM is a stream error", state: .closed(by: .receivedReset),
            input: .receiveData, expected: .streamError(.streamClosed)),
        Scenario(
            sentence: "RST_STREAM is never answered with RST_STREAM", state: .closed(by: .receivedReset),
            input: .receiveReset, expected: .ignored),
        Scenario(
            sentence: "DATA on an idle stream is a connection error", state: .idle, input: .receiveData,
            expected: .connectionError(.protocolError)),
        Scenario(
            sentence: "we cannot send DATA after our END_STREAM", state: .halfClosedLocal, input: .sendData,
            expected: .rejectedLocally),
        Scenario(
            sentence: "PRIORITY is allowed on an idle stream", state: .idle, input: .receivePriority, expected: .ignored
        ),
    ]

    @Test("named transitions follow RFC 9113 §5.1", arguments: scenarios)
    func namedTransition(_ scenario: Scenario) {
        #expect(StreamStateMachine.transition(from: scenario.state, on: scenario.input) == scenario.expected)
    }

    @Test("every connection state and input is decided", arguments: ConnectionState.allCases)
    func connectionPairs(_ state: ConnectionState) {
        for input in ConnectionInput.allCases {
            let transition = ConnectionStateMachine.transition(from: state, on: input)
            if state == .closed {
                #expect(transition == .ignored || transition == .rejectedLocally)
            }
        }
        #expect(
            ConnectionStateMachine.transition(from: .awaitingPeerSettings, on: .receiveSettings) == .moved(to: .open))
        #expect(
            ConnectionStateMachine.transition(from: .awaitingPeerSettings, on: .receivePing)
                == .connectionError(.protocolError))
    }
}
