import COpenSSL

/// Reads OpenSSL's per-thread error queue into text, once, at the boundary.
///
/// The queue belongs to the calling thread, and Swift tasks can change threads at every
/// `await`. So every OpenSSL call site clears the queue, makes its call and reads the queue in
/// one synchronous stretch, never across an `await`.
enum OpenSSLError {
    /// Empties the calling thread's error queue before a call whose failure we will inspect.
    static func clearQueue() {
        ERR_clear_error()
    }

    /// Drains the queue: the first few messages joined, or nil if the queue is empty.
    static func drainQueue() -> String? {
        var messages: [String] = []
        // OpenSSL caps the queue at 16 entries (ERR_NUM_ERRORS), so this loop is bounded.
        var code = ERR_get_error()
        while code != 0 {
            if messages.count < TransportLimits.maximumOpenSSLErrorsReported {
                // ERR_error_string_n documents 256 bytes as enough for any message.
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                messages.append(String(nulTerminated: buffer))
            }
            code = ERR_get_error()
        }
        return messages.isEmpty ? nil : messages.joined(separator: "; ")
    }

    /// An error for a failed configuration call (loading a file, setting an option).
    static func configurationError(_ what: String) -> TransportError {
        let queue = drainQueue()
        return TransportError(
            kind: .tlsConfigurationInvalid, operation: .configureTLS,
            detail: queue.map { "\(what): \($0)" } ?? what)
    }
}
