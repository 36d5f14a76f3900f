import HTTP2
import Synchronization

/// One call on the client, below the typed API: its stream, its response as it arrives, and
/// how it ended. Every wait ends with the call's status if the call is aborted (deadline or
/// cancellation), whichever task is waiting.
final class ClientCallCore: Sendable {
    /// What has arrived of the response.
    enum Response: Sendable {
        case awaitingHeaders
        case receivingMessages(MessageReader)
        /// Trailers (or a reset) arrived; buffered messages may still be taken.
        case ended(MessageReader?, GRPCStatus)
    }

    private struct State: Sendable {
        var response = Response.awaitingHeaders
        var initialMetadata: Metadata?
        var trailingMetadata = Metadata()
        /// Set by `abort`: the status every operation reports from then on.
        var abortStatus: GRPCStatus?
        var requestsFinished = false
        var lastResponseWasCompressed = false
    }

    let session: HTTP2Session
    let streamID: StreamID
    private let requestCompressor: MessageCompressor
    private let supportedEncodings: [CompressionAlgorithm]
    private let maxReceiveMessageSize: Int
    private let state = Mutex(State())

    init(
        session: HTTP2Session, streamID: StreamID, requestEncoding: CompressionAlgorithm,
        supportedEncodings: [CompressionAlgorithm], maxReceiveMessageSize: Int
    ) {
        self.session = session
        self.streamID = streamID
        self.requestCompressor = MessageCompressor(algorithm: requestEncoding, maxDecompressedSize: .max)
        self.supportedEncodings = supportedEncodings
        self.maxReceiveMessageSize = maxReceiveMessageSize
    }

    // MARK: Requests

    /// Sends one request payload; `compress` applies when the call has an encoding.
    func send(_ payload: [UInt8], compress: Bool, endStream: Bool = false) async throws {
        let framed = try requestCompressor.frame(payload, compress: compress).encoded
        try checkNotFinishedSending(endStream: endStream)
        do {
            try await session.send(streamID, framed, endStream: endStream)
        } catch {
            throw outcome(of: error)
        }
    }

    /// Half-closes: the server learns that no more requests come.
    func finishRequests() async throws {
        let alreadyFinished = state.withLock { state in
            defer { state.requestsFinished = true }
            return state.requestsFinished
        }
        guard !alreadyFinished else { return }
        do {
            try await session.send(streamID, [], endStream: true)
        } catch {
            throw outcome(of: error)
        }
    }

    private func checkNotFinishedSending(endStream: Bool) throws {
        try state.withLock { (state) throws(GRPCStatus) in
            if let status = state.abortStatus { throw status }
            guard !state.requestsFinished else {
                throw GRPCStatus(.internalError, "requests were already finished")
            }
            if endStream { state.requestsFinished = true }
        }
    }

    // MARK: Responses

    /// The next response payload; nil when the call ended OK. Throws the status otherwise
    /// (after every message that arrived before it).
    func nextResponse() async throws -> ReceivedMessage? {
        while true {
            let step: ReceivedMessage??
            do {
                step = try state.withLock { (state) throws(GRPCStatus) -> ReceivedMessage?? in
                    try Self.takeMessage(&state)
                }
            } catch {
                // A bad message (too large, corrupt) ends the call with its status; the server
                // is told to stop with RST_STREAM.
                abort(error)
                throw error
            }
            if let step {
                if let message = step {
                    state.withLock { $0.lastResponseWasCompressed = message.wasCompressed }
                }
                return step
            }
            let part: StreamPart
            do {
                part = try await session.nextPart(streamID)
            } catch {
                throw outcome(of: error)
            }
            apply(part)
        }
    }

    /// A buffered message, `.some(nil)` at a successful end, or `.none` when more is needed.
    private static func takeMessage(_ state: inout State) throws(GRPCStatus) -> ReceivedMessage?? {
        if let status = state.abortStatus { throw status }
        switch state.response {
        case .awaitingHeaders:
            return .none
        case .receivingMessages(var reader):
            let message = try reader.next()
            state.response = .receivingMessages(reader)
            return message.map { .some($0) } ?? .none
        case .ended(var reader, let status):
            if let message = try reader?.next() {
                state.response = .ended(reader, status)
                return .some(message)
            }
            guard status.isOK else { throw status }
            return .some(nil)
        }
    }

    /// The initial metadata (waits for the response headers). Empty for a trailers-only response.
    func initialMetadata() async throws -> Metadata {
        while true {
            let known = try state.withLock { (state) throws(GRPCStatus) -> Metadata? in
                if let metadata = state.initialMetadata { return metadata }
                if let status = state.abortStatus { throw status }
                if case .ended = state.response { return Metadata() }
                return nil
            }
            if let known { return known }
            let part: StreamPart
            do {
                part = try await session.nextPart(streamID)
            } catch {
                throw outcome(of: error)
            }
            apply(part)
        }
    }

    var trailingMetadata: Metadata { state.withLock { $0.trailingMetadata } }
    var lastResponseWasCompressed: Bool { state.withLock { $0.lastResponseWasCompressed } }

    /// The status, if the call has ended.
    var endStatus: GRPCStatus? {
        state.withLock { state in
            if let status = state.abortStatus { return status }
            if case .ended(_, let status) = state.response { return status }
            return nil
        }
    }

    private func apply(_ part: StreamPart) {
        state.withLock { state in
            switch (state.response, part) {
            case (.awaitingHeaders, .headers(let fields, let endStream)):
                if endStream {
                    state.initialMetadata = Metadata()
                    state.trailingMetadata = Metadata(headers: fields)
                    state.response = .ended(nil, ResponseHead.statusOfTrailersOnly(fields))
                    return
                }
                switch ResponseHead.accept(fields, supportedEncodings: supportedEncodings) {
                case .success(let accepted):
                    state.initialMetadata = accepted.metadata
                    state.response = .receivingMessages(
                        MessageReader(encoding: accepted.encoding, maxMessageSize: maxReceiveMessageSize))
                case .failure(let status):
                    state.response = .ended(nil, status)
                    session.reset(streamID, code: .cancel)
                }
            case (.receivingMessages(var reader), .data(let bytes, let endStream)):
                session.acknowledge(streamID, byteCount: bytes.count)
                reader.append(bytes)
                state.response =
                    endStream
                    ? .ended(reader, GRPCStatus(.internalError, "the server ended the call without trailers"))
                    : .receivingMessages(reader)
            case (.receivingMessages(let reader), .trailers(let fields)):
                state.trailingMetadata = Metadata(headers: fields)
                var status = ResponseHead.status(fromTrailers: fields)
                do throws(GRPCStatus) {
                    try reader.checkComplete()
                } catch {
                    status = error
                }
                state.response = .ended(reader, status)
            case (.awaitingHeaders, .closed(let reason)), (.receivingMessages, .closed(let reason)):
                let reader: MessageReader? =
                    if case .receivingMessages(let reader) = state.response { reader } else { nil }
                state.response = .ended(reader, Self.status(ofClosure: reason))
            case (.ended, .data(let bytes, _)), (.awaitingHeaders, .data(let bytes, _)):
                // Nobody reads these bytes; they still count against the window.
                session.acknowledge(streamID, byteCount: bytes.count)
            case (.ended, .headers), (.ended, .trailers), (.ended, .closed), (.awaitingHeaders, .trailers),
                (.receivingMessages, .headers):
                // After the end nothing matters; the engine already rejects the other orders.
                break
            }
        }
    }

    private static func status(ofClosure reason: StreamCloseReason) -> GRPCStatus {
        switch reason {
        case .finished: GRPCStatus(.internalError, "the server ended the call without a status")
        case .resetByPeer(let code): StatusMapping.status(forReset: code, sentBy: .server)
        case .resetLocally(let code): GRPCStatus(.internalError, "the server broke HTTP/2 rules on the call (\(code))")
        case .notProcessedByPeer:
            GRPCStatus(.unavailable, "the server closed the connection before processing the call")
        }
    }

    // MARK: Ending

    /// Ends the call early with `status`: RST_STREAM CANCEL, and every waiting operation
    /// reports `status`. Does nothing once the call has ended.
    func abort(_ status: GRPCStatus) {
        let first = state.withLock { state in
            guard state.abortStatus == nil else { return false }
            if case .ended = state.response { return false }
            state.abortStatus = status
            return true
        }
        guard first else { return }
        session.reset(streamID, code: .cancel)
        session.release(streamID)
    }

    /// Called once the typed API is done with the call.
    func release() {
        let ended = state.withLock { state -> Bool in
            if case .ended = state.response { return true }
            return state.abortStatus != nil
        }
        if !ended {
            abort(GRPCStatus(.cancelled, "call cancelled by the client"))
        }
        session.release(streamID)
    }

    /// The abort status wins over whatever error the interrupted wait saw.
    private func outcome(of error: any Error) -> any Error {
        if let status = state.withLock({ $0.abortStatus }) { return status }
        if error is CancellationError {
            abort(GRPCStatus(.cancelled, "call cancelled by the client"))
            return GRPCStatus(.cancelled, "call cancelled by the client")
        }
        // A failed send usually means the server already answered: report its status.
        if let status = endStatus { return status }
        return error
    }
}
