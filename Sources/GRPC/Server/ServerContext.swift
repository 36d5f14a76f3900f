public import Logging
import Synchronization

/// What a handler knows about its call, and the response metadata it may set.
public final class ServerContext: Sendable {
    /// `/package.Service/Method`.
    public let path: String
    /// The request's custom metadata, `authorization` included: never log it.
    public let requestMetadata: Metadata
    /// The client's address.
    public let peer: String
    /// When the client's budget runs out (from `grpc-timeout`); the call is then cancelled.
    public let deadline: ContinuousClock.Instant?
    /// The encoding of the request messages.
    public let requestEncoding: CompressionAlgorithm
    /// The encoding response messages use when compressed: the server's choice among those
    /// the client accepts, `.identity` if none.
    public let responseEncoding: CompressionAlgorithm
    /// The call's logger, with `grpc.method` and `grpc.peer` set.
    public let logger: Logger

    private struct Response {
        var initialMetadata = Metadata()
        var trailingMetadata = Metadata()
        var compressResponses: Bool
        var lastRequestWasCompressed = false
    }

    private let response: Mutex<Response>
    /// Values interceptors hand to the handler, one per type.
    private let attachments = Mutex<[ObjectIdentifier: any Sendable]>([:])

    init(
        path: String, head: RequestHead, peer: String, deadline: ContinuousClock.Instant?,
        responseEncoding: CompressionAlgorithm, compressResponses: Bool, logger: Logger
    ) {
        self.path = path
        self.requestMetadata = head.metadata
        self.peer = peer
        self.deadline = deadline
        self.requestEncoding = head.encoding
        self.responseEncoding = responseEncoding
        self.logger = logger
        self.response = Mutex(Response(compressResponses: compressResponses))
    }

    /// Sent with the response headers; set it before the first response message.
    public var initialMetadata: Metadata {
        get { response.withLock { $0.initialMetadata } }
        set { response.withLock { $0.initialMetadata = newValue } }
    }

    /// Sent with the status in the trailers.
    public var trailingMetadata: Metadata {
        get { response.withLock { $0.trailingMetadata } }
        set { response.withLock { $0.trailingMetadata = newValue } }
    }

    /// Whether response messages are compressed by default (when `responseEncoding` is not
    /// `.identity`); `ResponseWriter.write(_:compress:)` overrides it per message.
    public var compressResponses: Bool {
        get { response.withLock { $0.compressResponses } }
        set { response.withLock { $0.compressResponses = newValue } }
    }

    /// Whether the request message the handler received last travelled compressed.
    public var lastRequestWasCompressed: Bool {
        response.withLock { $0.lastRequestWasCompressed }
    }

    /// Hands a value to the handler (an interceptor's result, such as the authenticated peer).
    /// One value per type; attaching again replaces it.
    public func attach<Value: Sendable>(_ value: Value) {
        attachments.withLock { $0[ObjectIdentifier(Value.self)] = value }
    }

    /// The value of this type an interceptor attached, if any.
    public func attachment<Value: Sendable>(_ type: Value.Type) -> Value? {
        attachments.withLock { $0[ObjectIdentifier(Value.self)] as? Value }
    }

    func recordRequest(compressed: Bool) {
        response.withLock { $0.lastRequestWasCompressed = compressed }
    }
}
