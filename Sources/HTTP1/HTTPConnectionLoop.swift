import Logging
import Transport

/// Reads requests from one connection, hands them to the responder and writes the responses.
struct HTTPConnectionLoop {
    let stream: any ByteStream
    let configuration: HTTPServer.Configuration
    let responder: any HTTPResponder
    let logger: Logger
    var parser: HTTP1RequestParser
    /// Set when the first byte of a request arrives: the whole request must be in by then.
    var requestDeadline: Deadline?

    init(stream: any ByteStream, configuration: HTTPServer.Configuration, responder: any HTTPResponder, logger: Logger)
    {
        self.stream = stream
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        parser = HTTP1RequestParser(limits: configuration.limits, remoteAddress: stream.peerDescription)
    }

    mutating func run() async {
        do {
            while true {
                guard try await drainParser() else { return }
                let waitingForNewRequest = parser.isIdle
                let deadline: Deadline
                if waitingForNewRequest {
                    deadline = .after(configuration.idleTimeout)
                } else {
                    if requestDeadline == nil { requestDeadline = .after(configuration.requestTimeout) }
                    deadline = requestDeadline!
                }
                let bytes: [UInt8]
                do {
                    bytes = try await stream.read(maxBytes: 64 * 1024, deadline: deadline)
                } catch let error as TransportError where error.kind == .timedOut {
                    if !waitingForNewRequest {
                        try await send(configuration.errorResponse(408, "request not received in time"), closing: true)
                    }
                    return
                }
                if bytes.isEmpty { return }
                if requestDeadline == nil { requestDeadline = .after(configuration.requestTimeout) }
                parser.append(bytes)
            }
        } catch {
            // Peer reset, write timeout or cancellation: nothing more to say on this connection.
            logger.trace(
                "connection ended", metadata: ["http.peer": "\(stream.peerDescription)", "http.error": "\(error)"])
        }
    }

    /// Answers every complete request in the buffer; false when the connection must close.
    private mutating func drainParser() async throws -> Bool {
        while true {
            let output: HTTP1RequestParser.Output?
            do {
                output = try parser.next()
            } catch {
                try await send(configuration.errorResponse(error.status, error.reason), closing: true)
                return false
            }
            guard let output else { return true }
            switch output {
            case .continueRequested:
                try await stream.write(HTTP1ResponseEncoder.continueResponse, deadline: writeDeadline)
            case .request(let request):
                requestDeadline = nil
                let response = await responder.respond(to: request)
                let closing = !request.keepsConnectionAlive || response.headers["Connection"] == "close"
                if case .stream = response.body {
                    try await sendStream(response, omitBody: request.method == "HEAD")
                    return false
                }
                try await send(response, closing: closing, omitBody: request.method == "HEAD")
                if closing { return false }
            }
        }
    }

    private var writeDeadline: Deadline { .after(configuration.writeTimeout) }

    private func send(_ response: HTTPResponse, closing: Bool, omitBody: Bool = false) async throws {
        var bytes = HTTP1ResponseEncoder.head(for: response, closing: closing)
        if !omitBody, let body = response.bodyBytes { bytes += body }
        try await stream.write(bytes, deadline: writeDeadline)
    }

    private func sendStream(_ response: HTTPResponse, omitBody: Bool) async throws {
        guard case .stream(let body) = response.body else { return }
        defer { body.finished() }
        try await stream.write(HTTP1ResponseEncoder.head(for: response, closing: true), deadline: writeDeadline)
        if omitBody { return }
        for await chunk in body.chunks where !chunk.isEmpty {
            try await stream.write(HTTP1ResponseEncoder.chunk(chunk), deadline: writeDeadline)
        }
        try await stream.write(HTTP1ResponseEncoder.lastChunk, deadline: writeDeadline)
    }
}
