/// A channel's connectivity, as gRPC names it (doc/connectivity-semantics-and-api.md).
public enum ConnectivityState: Hashable, Sendable {
    /// No connection and no attempt: the next call starts one.
    case idle
    case connecting
    case ready
    /// The last attempt failed; calls fail fast until the next attempt.
    case transientFailure
    case shutdown
}
