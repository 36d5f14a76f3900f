import Glibc

/// errno classification and the small socket-option calls every socket needs.
enum SystemError {
    static func kind(of code: Int32) -> TransportError.Kind {
        switch code {
        case ECONNREFUSED: .connectionRefused
        case ECONNRESET, EPIPE, ECONNABORTED: .connectionReset
        case ENETUNREACH, EHOSTUNREACH, ENETDOWN: .unreachable
        case ETIMEDOUT: .timedOut
        case EADDRINUSE, EADDRNOTAVAIL: .addressUnavailable
        default: .systemCallFailed
        }
    }

    static func message(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// True for the errno values that mean "not now, wait for readiness".
    static func isWouldBlock(_ code: Int32) -> Bool {
        code == EAGAIN || code == EWOULDBLOCK
    }
}

enum SocketOption {
    static func set(_ fd: Int32, level: Int32, name: Int32, value: Int32) -> Int32? {
        var value = value
        let result = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        return result == 0 ? nil : errno
    }

    /// Reads SO_ERROR: the outcome of a non-blocking connect once the socket turns writable.
    static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 { return errno }
        return value
    }
}

extension String {
    /// Decodes a NUL-terminated C buffer (as filled by inet_ntop, ERR_error_string_n).
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension [UInt8] {
    /// A read allocates its full capacity up front. A small result would pin that whole buffer
    /// for as long as the caller keeps the bytes (queued frames, partial messages), so it is
    /// copied into an array of its own size; large results are returned as they are.
    func releasingUnusedCapacity() -> [UInt8] {
        count < capacity / 2 ? Array(self[...]) : self
    }
}
