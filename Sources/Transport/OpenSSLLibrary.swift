import COpenSSL

/// Process-wide OpenSSL set-up.
public enum OpenSSLLibrary {
    /// Initialises OpenSSL without its exit-time cleanup. By default OpenSSL frees its global
    /// state in an `atexit` handler, while other threads may still be closing TLS connections:
    /// a process that exits with connections open (a daemon on SIGTERM, a benchmark with
    /// thousands of them) can then corrupt its heap on the way out. The state lives until the
    /// process ends instead. Only the first initialisation decides, so executables call this
    /// first thing; contexts call it too, harmlessly late.
    public static func initialize() {
        _ = initialized
    }

    private static let initialized: Bool = {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1 && OPENSSL_init_ssl(0, nil) == 1
    }()
}
