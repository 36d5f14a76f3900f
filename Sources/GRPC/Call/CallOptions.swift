/// Per-call settings on the client.
public struct CallOptions: Sendable {
    /// The call's budget: sent as `grpc-timeout` and enforced locally (DEADLINE_EXCEEDED).
    /// nil: the channel's `defaultTimeout`.
    public var timeout: Duration?
    /// Metadata sent with the request headers.
    public var metadata: Metadata
    /// Compress request messages with this algorithm (sent as `grpc-encoding`); nil: the
    /// channel's default. Each message can still opt out (`RequestWriter.write(_:compress:)`).
    public var compression: CompressionAlgorithm?
    /// Wait for the channel to become ready instead of failing fast while it is in transient
    /// failure (gRPC's "wait for ready"). Default false.
    public var waitForReady: Bool

    public init(
        timeout: Duration? = nil, metadata: Metadata = Metadata(), compression: CompressionAlgorithm? = nil,
        waitForReady: Bool = false
    ) {
        self.timeout = timeout
        self.metadata = metadata
        self.compression = compression
        self.waitForReady = waitForReady
    }
}
