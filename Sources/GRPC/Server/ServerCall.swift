import HTTP2
import Logging
import Synchronization

/// One call on the server, below the typed API: reading request payloads and writing
/// response payloads and the final status on its HTTP/2 stream.
final class ServerCall: Sendable {
    /// Where the response is; the status goes out exactly once.
    private enum Outbound {
        case awaitingHeaders
        case streaming
        case finished
    }

    private enum ReadStep {
        case message(ReceivedMessage)
        case ended
        case needMore
    }

    private struct Inbound {
        var reader: MessageReader
        var endOfStream = false
        /// This call's share of the connection's message budget (`maxBufferedMessageBytes`).
        var reservedBytes = 0
    }

    let session: HTTP2Session
    let streamID: StreamID
    let context: ServerContext
    let supportedEncodings: [CompressionAlgorithm]
    private let compressor: MessageCompressor
    private let inbound: Mutex<Inbound>
    private let outbound = Mutex(Outbound.awaitingHeaders)

    init(
        session: HTTP2Session, streamID: StreamID, context: ServerContext, maxReceiveMessageSize: Int,
        supportedEncodings: [CompressionAlgorithm], requestEndedStream: Bool
    ) {
        self.session = session
        self.streamID = streamID
        self.context = context
        self.supportedEncodings = supportedEncodings
        self.compressor = MessageCompressor(algorithm: context.responseEncoding, maxDecompressedSize: .max)
        var inbound = Inbound(
            reader: MessageReader(encoding: context.requestEncoding, maxMessageSize: maxReceiveMessageSize))
        inbound.endOfStream = requestEndedStream
        self.inbound = Mutex(inbound)
    }

    // MARK: Reading

    /// The next request payload; nil once the client half-closed. Only the handler reads.
    func nextRequest() async throws -> [UInt8]? {
        while true {
            let step = try inbound.withLock { (inbound) throws(GRPCStatus) -> ReadStep in
                if let message = try inbound.reader.next() { return .message(message) }
                guard inbound.endOfStream else { return .needMore }
                try inbound.reader.checkComplete()
                return .ended
            }
            switch step {
            case .message(let message):
                try adjustReservation()
                context.recordRequest(compressed: message.wasCompressed)
                return message.payload
            case .ended:
                return nil
            case .needMore:
                break
            }
            let part = try await session.nextPart(streamID)
            switch part {
            case .data(let bytes, let endStream):
                session.acknowledge(streamID, byteCount: bytes.count)
                inbound.withLock { inbound in
                    inbound.reader.append(bytes)
                    if endStream { inbound.endOfStream = true }
                }
                try adjustReservation()
            case .trailers, .closed(.finished):
                inbound.withLock { $0.endOfStream = true }
            case .headers:
                // Servers see only one request header block; the engine rejects a second.
                continue
            case .closed:
                throw CancellationError()
            }
        }
    }

    /// Keeps this call's reservation equal to what its reader holds.
    private func adjustReservation() throws(GRPCStatus) {
        let (buffered, reserved) = inbound.withLock { ($0.reader.bufferedByteCount, $0.reservedBytes) }
        if buffered > reserved {
            guard session.reserveMessageBytes(buffered - reserved) else {
                throw GRPCStatus(.resourceExhausted, "the connection holds too many partly received messages")
            }
        } else if buffered < reserved {
            session.releaseMessageBytes(reserved - buffered)
        }
        inbound.withLock { $0.reservedBytes = buffered }
    }

    /// Gives the call's share of the message budget back (the call is over).
    func releaseReservation() {
        let reserved = inbound.withLock { inbound in
            defer { inbound.reservedBytes = 0 }
            return inbound.reservedBytes
        }
        session.releaseMessageBytes(reserved)
    }

    /// Exactly one request (unary and server-streaming calls).
    func singleRequest() async throws -> [UInt8] {
        guard let request = try await nextRequest() else {
            throw GRPCStatus(.internalError, "the client sent no request message")
        }
        guard try await nextRequest() == nil else {
            throw GRPCStatus(.internalError, "the client sent more than one request message")
        }
        return request
    }

    // MARK: Writing

    /// Sends one response payload, with the response headers first if they are not out yet.
    func send(_ payload: [UInt8], compress: Bool?) async throws {
        let framed = try compressor.frame(payload, compress: compress ?? context.compressResponses).encoded
        try outbound.withLock { (outbound) throws(GRPCStatus) in
            switch outbound {
            case .awaitingHeaders:
                let headers = ResponseHeaders.initial(
                    metadata: context.initialMetadata, encoding: context.responseEncoding,
                    supportedEncodings: supportedEncodings)
                try session.sendHeaders(streamID, headers, endStream: false)
                outbound = .streaming
            case .streaming:
                break
            case .finished:
                throw GRPCStatus(.cancelled, "the call has already ended")
            }
        }
        try await session.send(streamID, framed, endStream: false)
    }

    /// Sends the status: in trailers, or trailers-only when no message went out. Only the first
    /// call has an effect (a deadline and a handler may both try).
    func finish(with status: GRPCStatus) {
        let trailing = context.trailingMetadata
        let refusal: GRPCStatus? = outbound.withLock { outbound in
            defer { outbound = .finished }
            do throws(GRPCStatus) {
                switch outbound {
                case .awaitingHeaders:
                    let headers = ResponseHeaders.trailersOnly(
                        status: status, metadata: trailing, supportedEncodings: supportedEncodings)
                    try session.sendHeadersEndingStream(streamID, headers)
                case .streaming:
                    let trailers = ResponseHeaders.trailers(status: status, metadata: trailing)
                    try session.sendTrailers(streamID, trailers, resetIfPeerStillSending: true)
                case .finished:
                    break
                }
                return nil
            } catch {
                return error
            }
        }
        if let refusal {
            // The client reset the stream or the connection died: nobody is left to tell.
            context.logger.debug("grpc status not sent", metadata: ["grpc.reason": "\(refusal.message)"])
        }
    }

    var isFinished: Bool {
        outbound.withLock { $0 == .finished }
    }
}
