public import SwiftProtobuf

/// A streaming call in progress, as the body of `GRPCChannel.clientStreaming`,
/// `serverStreaming` or `bidirectionalStreaming` sees it: a writer for requests and an async
/// sequence of responses.
public struct ClientCall<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>: Sendable {
    let core: ClientCallCore
    let compressByDefault: Bool

    /// Sends one request; `compress` overrides the call's default (compress when the call has a
    /// `CallOptions.compression`). Waits while the server is not taking requests (flow control).
    public func write(_ request: Request, compress: Bool? = nil) async throws {
        try await core.send(try ProtobufCoding.encode(request), compress: compress ?? compressByDefault)
    }

    /// Tells the server no more requests come (half-close). Idempotent.
    public func finishRequests() async throws {
        try await core.finishRequests()
    }

    /// The responses; the sequence ends when the call ends OK and throws its `GRPCStatus` otherwise.
    public var responses: ResponseStream<Response> { ResponseStream(core: core) }

    /// The server's initial metadata (waits for the response headers).
    public func initialMetadata() async throws -> Metadata {
        try await core.initialMetadata()
    }

    /// The trailing metadata, once the call has ended.
    public var trailingMetadata: Metadata { core.trailingMetadata }

    /// Whether the response taken last travelled compressed.
    public var lastResponseWasCompressed: Bool { core.lastResponseWasCompressed }

    /// Cancels the call: RST_STREAM CANCEL to the server, and CANCELLED for every pending operation.
    public func cancel() {
        core.abort(GRPCStatus(.cancelled, "call cancelled by the client"))
    }

    /// The call's status once it has ended (nil while it runs).
    public var status: GRPCStatus? { core.endStatus }
}

/// Response messages of a call. Iterate from one task.
public struct ResponseStream<Response: SwiftProtobuf.Message>: AsyncSequence, Sendable {
    public typealias Element = Response
    let core: ClientCallCore

    public func makeAsyncIterator() -> Iterator { Iterator(core: core) }

    public struct Iterator: AsyncIteratorProtocol {
        let core: ClientCallCore

        public mutating func next() async throws -> Response? {
            guard let message = try await core.nextResponse() else { return nil }
            return try ProtobufCoding.decode(Response.self, from: message.payload)
        }
    }
}

/// The outcome of a call with a single response.
public struct UnaryResponse<Response: SwiftProtobuf.Message>: Sendable {
    public var message: Response
    public var initialMetadata: Metadata
    public var trailingMetadata: Metadata
    /// Whether the response travelled compressed.
    public var wasCompressed: Bool
}
