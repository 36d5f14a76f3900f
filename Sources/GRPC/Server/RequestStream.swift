public import SwiftProtobuf

/// The request messages of a client-streaming or bidirectional call, as an async sequence.
/// It ends when the client half-closes; it throws if the call is cancelled or a message is bad.
/// Iterate it from one task only.
public struct RequestStream<Message: SwiftProtobuf.Message>: AsyncSequence, Sendable {
    public typealias Element = Message
    let call: ServerCall

    public func makeAsyncIterator() -> Iterator { Iterator(call: call) }

    public struct Iterator: AsyncIteratorProtocol {
        let call: ServerCall

        public mutating func next() async throws -> Message? {
            guard let payload = try await call.nextRequest() else { return nil }
            return try ProtobufCoding.decode(Message.self, from: payload)
        }
    }
}

/// Sends the response messages of a server-streaming or bidirectional call. `write` waits
/// while the client is not taking messages (HTTP/2 flow control), so a fast handler cannot
/// queue without bound.
public struct ResponseWriter<Message: SwiftProtobuf.Message>: Sendable {
    let call: ServerCall

    /// Sends one message; `compress` overrides `ServerContext.compressResponses` for it.
    public func write(_ message: Message, compress: Bool? = nil) async throws {
        try await call.send(try ProtobufCoding.encode(message), compress: compress)
    }
}
