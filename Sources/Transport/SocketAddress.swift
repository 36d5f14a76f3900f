import Glibc

/// An IPv4 or IPv6 socket address (numeric host and port).
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable {
        case ipv4
        case ipv6
    }

    public let family: Family
    /// The numeric host, e.g. `127.0.0.1` or `::1`.
    public let host: String
    public let port: UInt16
    /// The raw `sockaddr_in`/`sockaddr_in6` bytes, as the kernel takes them.
    private let storage: [UInt8]

    /// `127.0.0.1:8080` or `[::1]:8080`.
    public var description: String {
        switch family {
        case .ipv4: "\(host):\(port)"
        case .ipv6: "[\(host)]:\(port)"
        }
    }

    /// Parses a numeric IPv4 or IPv6 host (brackets allowed for IPv6); nil for a name.
    public init?(numericHost: String, port: UInt16) {
        var host = numericHost
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            self.init(copying: &v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            self.init(copying: &v6)
            return
        }
        return nil
    }

    /// Copies an address the kernel filled in (accept, getsockname, getaddrinfo).
    init?(_ address: UnsafePointer<sockaddr>, length: socklen_t) {
        switch Int32(address.pointee.sa_family) {
        case AF_INET where Int(length) >= MemoryLayout<sockaddr_in>.size:
            var v4 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self)
            self.init(copying: &v4)
        case AF_INET6 where Int(length) >= MemoryLayout<sockaddr_in6>.size:
            var v6 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self)
            self.init(copying: &v6)
        default:
            return nil
        }
    }

    private init(copying v4: inout sockaddr_in) {
        family = .ipv4
        port = UInt16(bigEndian: v4.sin_port)
        host = Self.presentation(AF_INET, &v4.sin_addr, length: Int(INET_ADDRSTRLEN))
        storage = withUnsafeBytes(of: &v4) { Array($0) }
    }

    private init(copying v6: inout sockaddr_in6) {
        family = .ipv6
        port = UInt16(bigEndian: v6.sin6_port)
        host = Self.presentation(AF_INET6, &v6.sin6_addr, length: Int(INET6_ADDRSTRLEN))
        storage = withUnsafeBytes(of: &v6) { Array($0) }
    }

    var protocolFamily: Int32 {
        switch family {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }

    /// Lends the raw `sockaddr` to a system call.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        storage.withUnsafeBytes { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
    }

    private static func presentation(_ family: Int32, _ address: UnsafeRawPointer, length: Int) -> String {
        var buffer = [CChar](repeating: 0, count: length)
        guard inet_ntop(family, address, &buffer, socklen_t(length)) != nil else { return "?" }
        return String(nulTerminated: buffer)
    }

    /// The local or remote address of a connected socket.
    static func of(_ fd: Int32, peer: Bool) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                let result = peer ? getpeername(fd, address, &length) : getsockname(fd, address, &length)
                guard result == 0 else { return nil }
                return SocketAddress(address, length: length)
            }
        }
    }
}
