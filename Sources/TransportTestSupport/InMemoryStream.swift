public import Transport

/// One end of an in-memory pipe: a `ByteStream` with the same contract as a TCP connection,
/// for tests and simulation without sockets.
///
/// Each direction buffers at most `capacity` bytes, so a writer waits for the reader exactly
/// as it would on a full socket (and a test can exercise write deadlines). `close()` ends both
/// directions: the peer reads what was already buffered and then end of stream, and its
/// writes fail with `.connectionReset`; our own pending and later calls fail with `.closed`.
public final class InMemoryStream: ByteStream {
    /// Default per-direction buffer: 64 KiB, the order of a loopback socket's initial buffer,
    /// small enough that a 1 MiB test write really exercises backpressure.
    public static let defaultCapacity = 64 * 1024

    private let inbound: PipeBuffer
    private let outbound: PipeBuffer
    public let localDescription: String
    public let peerDescription: String

    /// Two connected ends: bytes written to one are read from the other.
    public static func makePair(
        capacity: Int = defaultCapacity, names: (String, String) = ("memory-a", "memory-b")
    ) -> (InMemoryStream, InMemoryStream) {
        let aToB = PipeBuffer(capacity: max(1, capacity))
        let bToA = PipeBuffer(capacity: max(1, capacity))
        let first = InMemoryStream(inbound: bToA, outbound: aToB, local: names.0, peer: names.1)
        let second = InMemoryStream(inbound: aToB, outbound: bToA, local: names.1, peer: names.0)
        return (first, second)
    }

    private init(inbound: PipeBuffer, outbound: PipeBuffer, local: String, peer: String) {
        self.inbound = inbound
        self.outbound = outbound
        self.localDescription = local
        self.peerDescription = peer
    }

    public func read(maxBytes: Int, deadline: Deadline) async throws -> [UInt8] {
        let count = min(max(maxBytes, 1), TransportLimits.maximumReadSize)
        return try await inbound.take(maxBytes: count, deadline: deadline, peer: peerDescription)
    }

    public func write(_ bytes: [UInt8], deadline: Deadline) async throws {
        try await outbound.put(bytes, deadline: deadline, peer: peerDescription)
    }

    public func close() {
        inbound.closeReader()
        outbound.closeWriter()
    }
}
