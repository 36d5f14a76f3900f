public import Transport
import Synchronization

/// The I/O shell around `HTTP1ResponseParser` for one connection: writes a request, reads its
/// response head, then its body whole or piece by piece. One exchange at a time, owned by one
/// task at a time (the pool hands it out); the lock only makes the hand-over safe.
public final class HTTP1ClientConnection: Sendable {
    private struct Exchange {
        var parser: HTTP1ResponseParser?
        var allowsReuse = false
        /// Whether any byte of the current response arrived: a reused connection that fails
        /// before one did never processed the request, so a safe request may go out again.
        var receivedAny = false
        var broken = false
    }

    public let stream: any ByteStream
    public let limits: HTTP1ResponseLimits
    private let exchange = Mutex(Exchange())

    public init(stream: any ByteStream, limits: HTTP1ResponseLimits = HTTP1ResponseLimits()) {
        self.stream = stream
        self.limits = limits
    }

    /// True when the last response was read in full, the server allowed reuse and nothing
    /// failed: only then may another request go out on this connection.
    public var isReusable: Bool {
        exchange.withLock { state in
            guard let parser = state.parser else { return !state.broken }
            return !state.broken && state.allowsReuse && parser.isComplete && parser.bufferedByteCount == 0
        }
    }

    /// Whether a byte of the current response has arrived.
    public var receivedResponseBytes: Bool { exchange.withLock { $0.receivedAny } }

    /// Sends `request` and reads up to the final response head. On any error the connection is
    /// closed.
    public func send(_ request: HTTP1ClientRequest, host: String, deadline: Deadline) async throws -> HTTPResponseHead {
        let bytes = try request.encoded(host: host)
        exchange.withLock { state in
            state = Exchange(parser: HTTP1ResponseParser(limits: limits, requestMethod: request.method))
        }
        return try await failingClosed {
            try await stream.write(bytes, deadline: deadline)
            guard case .head(let head) = try await nextEvent(deadline: deadline) else {
                throw HTTP1ResponseError.malformed("no response head")
            }
            exchange.withLock { $0.allowsReuse = head.allowsReuse }
            return head
        }
    }

    /// The next piece of the body, or nil once it ended.
    public func nextBodyPart(deadline: Deadline) async throws -> [UInt8]? {
        try await failingClosed {
            switch try await nextEvent(deadline: deadline) {
            case .body(let bytes): return bytes
            case .end: return nil
            case .head: throw HTTP1ResponseError.malformed("a second response head")
            }
        }
    }

    /// The rest of the body, at most `limit` bytes (more throws `.tooLarge` and closes).
    public func readBody(limit: Int, deadline: Deadline) async throws -> [UInt8] {
        var body: [UInt8] = []
        while let part = try await nextBodyPart(deadline: deadline) {
            guard body.count + part.count <= limit else {
                close()
                throw HTTP1ResponseError.tooLarge("response body larger than \(limit) bytes")
            }
            body += part
        }
        return body
    }

    public func close() {
        exchange.withLock { $0.broken = true }
        stream.close()
    }

    private func failingClosed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            close()
            throw error
        }
    }

    private func nextEvent(deadline: Deadline) async throws -> HTTP1ResponseParser.Event {
        while true {
            let event = try exchange.withLock { state throws(HTTP1ResponseError) -> HTTP1ResponseParser.Event? in
                guard state.parser != nil else { throw .malformed("no request was sent") }
                if let event = try state.parser!.next() { return event }
                return state.parser!.isComplete ? .end : nil
            }
            if let event { return event }
            let bytes = try await stream.read(maxBytes: TransportLimits.maximumReadSize, deadline: deadline)
            let ended = try exchange.withLock { state throws(HTTP1ResponseError) -> HTTP1ResponseParser.Event? in
                if bytes.isEmpty { return try state.parser!.endOfStream() ?? .end }
                state.receivedAny = true
                state.parser!.append(bytes)
                return nil
            }
            if let ended {
                // Read until close: the connection is used up.
                exchange.withLock { $0.allowsReuse = false }
                return ended
            }
        }
    }
}
