/// A bidirectional, ordered byte stream: the only thing the HTTP/2 layer needs from a transport.
///
/// Implementations: `TCPConnection`, `TLSConnection`, and the in-memory and fault-injecting
/// streams in TransportTestSupport. Contract:
/// - `read` returns between 1 and `maxBytes` bytes (capped at `TransportLimits.maximumReadSize`),
///   or an empty array at end of stream. One reader at a time.
/// - `write` returns once every byte was handed to the kernel (or the peer's buffer), or throws.
///   One writer at a time; a reader and a writer may run concurrently.
/// - Both throw `TransportError` (`.timedOut` when the deadline passes, `.closed` after a local
///   `close`) or `CancellationError` when the calling task is cancelled. After a deadline or
///   cancellation error during `write`, an unknown prefix of the bytes may have been sent: the
///   stream should then be closed.
/// - `close` is idempotent, never blocks, and wakes pending reads and writes with `.closed`.
public protocol ByteStream: Sendable {
    /// The remote end, e.g. `10.0.0.7:5432`, for logs and errors.
    var peerDescription: String { get }
    /// The local end, e.g. `10.0.0.3:41822`.
    var localDescription: String { get }

    func read(maxBytes: Int, deadline: Deadline) async throws -> [UInt8]
    func write(_ bytes: [UInt8], deadline: Deadline) async throws
    func close()
}
