/// Every buffer and count limit of the Transport module, each with its reason.
public enum TransportLimits {
    /// Largest single `read` result. A caller may ask for more; it gets at most this much, so one
    /// call never allocates more than 256 KiB whatever the caller passes. It is large enough to
    /// hold several full HTTP/2 frames at the default 16 KiB frame size, amortising syscalls.
    public static let maximumReadSize = 256 * 1024

    /// Default accept backlog. Large enough to absorb a burst of reconnecting satellites after a
    /// central restart without SYN drops; the kernel still caps it at `net.core.somaxconn`.
    public static let defaultListenBacklog: Int32 = 128

    /// Readiness events taken from the kernel per `epoll_wait` call. Bounds the loop's stack
    /// buffer; more ready descriptors are simply returned by the next call.
    public static let eventsPerWait = 64

    /// Addresses tried per `connect` after resolution. A name with dozens of A/AAAA records would
    /// otherwise make one connect attempt serial over all of them; the deadline still applies.
    public static let maximumAddressesPerConnect = 16

    /// OpenSSL error-queue entries kept in one `TransportError.detail`. The queue can hold many
    /// entries for one failure; the first few name the cause, the rest is noise.
    public static let maximumOpenSSLErrorsReported = 4

    /// Longest ALPN protocol identifier (RFC 7301 §3.1: a one-byte length prefix).
    public static let maximumALPNIdentifierLength = 255

    /// Largest plaintext handed to OpenSSL per `SSL_write` call. One TLS record holds 16 KiB;
    /// passing a few records per call amortises the lock without building huge record bursts.
    public static let maximumTLSWriteChunk = 64 * 1024
}
