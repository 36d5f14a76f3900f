/// A sans-I/O HTTP/2 connection (RFC 9113): bytes in, events and bytes out.
///
/// The shell feeds what it reads from the socket to `receive(_:at:)`, acts on
/// the returned events, calls the outbound methods (`openStream`, `sendHeaders`,
/// `sendData`, ...), and writes whatever `dataToSend()` returns. Nothing here
/// touches a socket or a clock: time arrives as a parameter.
///
/// Connection-level rules live here and in the `+Receive`, `+Send`, `+Flush`
/// extensions; stream rules are the table in `StreamStateMachine`; windows are
/// `FlowControlWindow`; header rules are `HeaderValidator`.
public struct HTTP2Connection: Sendable {
    public let role: HTTP2Role
    public let configuration: HTTP2Configuration
    public internal(set) var state = ConnectionState.awaitingPeerSettings
    /// The peer's settings in force (applied as they arrive; we acknowledge them).
    public internal(set) var remoteSettings = HTTP2Settings()
    var localSettings = LocalSettings()

    var frameDecoder: FrameDecoder
    var hpackDecoder: HPACKDecoder
    var hpackEncoder: HPACKEncoder
    var streams: [StreamID: HTTP2Stream] = [:]
    var closedStreams: ClosedStreamMemory
    /// Streams with queued DATA or trailers, in round-robin order.
    var scheduledStreams: [StreamID] = []
    var output: [UInt8] = []
    var outboundConnectionWindow = FlowControlWindow(size: Int(HTTP2Settings.defaultInitialWindowSize))
    var inboundConnectionFlow: InboundFlowControl
    var floodGuard: FloodGuard
    /// The caller's monotonic time at the last `receive`, for the flood budgets.
    var now: Duration = .zero

    /// The highest stream id the peer opened (and we processed); sent as GOAWAY's last stream id.
    public internal(set) var highestPeerStreamID = StreamID.connection
    var nextLocalStreamID: UInt32
    /// The last stream id of the GOAWAY we sent, if any.
    public internal(set) var goAwaySentLastStreamID: StreamID?
    /// The last stream id of the GOAWAY we received, if any.
    public internal(set) var goAwayReceivedLastStreamID: StreamID?

    /// Queues the connection preface: the client's magic string, then our SETTINGS
    /// and a WINDOW_UPDATE raising the connection window to the configured size.
    public init(role: HTTP2Role, configuration: HTTP2Configuration = HTTP2Configuration()) throws(HTTP2UsageError) {
        try configuration.validate()
        self.role = role
        self.configuration = configuration
        self.frameDecoder = FrameDecoder(
            expectsClientPreface: role == .server, maxHeaderBlockSize: configuration.limits.maxHeaderBlockSize)
        self.hpackDecoder = HPACKDecoder()
        self.hpackEncoder = HPACKEncoder(huffmanPolicy: configuration.huffmanPolicy)
        self.closedStreams = ClosedStreamMemory(capacity: configuration.limits.maxClosedStreams)
        let defaultWindow = Int(HTTP2Settings.defaultInitialWindowSize)
        self.inboundConnectionFlow = InboundFlowControl(initialSize: defaultWindow, targetSize: defaultWindow)
        self.floodGuard = FloodGuard(limits: configuration.limits)
        self.nextLocalStreamID = role == .client ? 1 : 2

        if role == .client {
            output += FrameDecoder.clientPreface
        }
        let settings = configuration.initialSettings(for: role)
        write(Frame(streamID: .connection, payload: .settings(.values(settings))))
        localSettings.sent(settings)
        if let increment = inboundConnectionFlow.grow(to: Int(configuration.connectionWindowSize)) {
            write(Frame(streamID: .connection, payload: .windowUpdate(increment: increment)))
        }
    }

    // MARK: Inbound

    /// Processes bytes read from the peer, in any chunking.
    ///
    /// Stream errors are handled inside (RST_STREAM queued, `.streamClosed` reported).
    /// On a connection error, GOAWAY with its code is queued, the connection
    /// becomes `.closed`, and the error is thrown: send `dataToSend()`, then close.
    /// After that, received bytes are ignored.
    ///
    /// - Parameter now: the caller's monotonic time, for the flood budgets in
    ///   `HTTP2Limits`; nil keeps the previous time.
    public mutating func receive(_ bytes: some Sequence<UInt8>, at now: Duration? = nil) throws(HTTP2Error)
        -> [HTTP2Event]
    {
        guard state != .closed else { return [] }
        if let now { self.now = now }
        frameDecoder.append(bytes)
        var events: [HTTP2Event] = []
        do {
            while try processNextFrame(into: &events) {}
        } catch {
            terminate(with: error)
            throw error
        }
        return events
    }

    /// Decodes and handles one frame; a stream error costs only its stream.
    private mutating func processNextFrame(into events: inout [HTTP2Event]) throws(HTTP2Error) -> Bool {
        do {
            guard let frame = try frameDecoder.nextFrame() else { return false }
            try process(frame, into: &events)
        } catch {
            guard case .stream(let id) = error.scope else { throw error }
            try resetAfterStreamError(id, code: error.code, into: &events)
        }
        return true
    }

    /// Queues GOAWAY for a connection error and stops processing (RFC 9113 §5.4.1).
    mutating func terminate(with error: HTTP2Error) {
        guard state != .closed else { return }
        state = .closed
        // The reason is ours (never header values or payload), so it is safe as debug data.
        let goAway = GoAwayPayload(
            lastStreamID: goAwayLastStreamID, errorCode: error.code, debugData: Array(error.reason.utf8.prefix(256)))
        write(Frame(streamID: .connection, payload: .goAway(goAway)))
        goAwaySentLastStreamID = goAwayLastStreamID
        for id in streams.keys {
            streams[id]?.queue.removeAll()
        }
        scheduledStreams.removeAll()
    }

    // MARK: Outbound bytes

    /// Takes every byte ready to go to the peer, including DATA that flow
    /// control now allows. Named for what it does: it performs no I/O.
    public mutating func dataToSend() -> [UInt8] {
        flushQueuedData()
        floodGuard.outputDrained()
        defer { output.removeAll(keepingCapacity: true) }
        return output
    }

    /// True when `dataToSend()` would return bytes (control frames or sendable DATA).
    public var hasDataToSend: Bool {
        !output.isEmpty || scheduledStreams.contains { canEmit(on: $0) }
    }

    mutating func write(_ frame: Frame) {
        FrameEncoder.encode(frame, into: &output)
    }
}
