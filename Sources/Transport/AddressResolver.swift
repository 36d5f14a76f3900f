import Dispatch
import Glibc
import Synchronization

/// Turns a host name into socket addresses without blocking the cooperative thread pool.
///
/// Numeric hosts are parsed in place. Names go through `getaddrinfo`, which blocks, so it runs on
/// a private Dispatch queue (separate threads from Swift's cooperative pool). `getaddrinfo`
/// cannot be interrupted: on cancellation or deadline the caller stops waiting at once and the
/// lookup finishes in the background and is discarded.
enum AddressResolver {
    private static let queue = DispatchQueue(label: "transport.resolver", attributes: .concurrent)

    static func resolve(
        host: String, port: UInt16, deadline: Deadline, loop: EventLoop
    ) async throws -> [SocketAddress] {
        if let numeric = SocketAddress(numericHost: host, port: port) { return [numeric] }
        guard deadline != .never else { return try await lookUp(host: host, port: port) }
        return try await withThrowingTaskGroup(of: [SocketAddress].self) { group in
            group.addTask { try await lookUp(host: host, port: port) }
            group.addTask {
                try await loop.sleep(until: deadline)
                throw TransportError(kind: .timedOut, operation: .resolve, peer: host)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else {
                throw TransportError(kind: .addressResolutionFailed, operation: .resolve, peer: host)
            }
            return first
        }
    }

    /// Runs `getaddrinfo` on the resolver queue; cancellation abandons the lookup.
    private static func lookUp(host: String, port: UInt16) async throws -> [SocketAddress] {
        let pending = PendingResult<[SocketAddress]>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pending.install(continuation)
                queue.async { pending.complete(Result { try blockingLookUp(host: host, port: port) }) }
            }
        } onCancel: {
            pending.complete(.failure(CancellationError()))
        }
    }

    private static func blockingLookUp(host: String, port: UInt16) throws(TransportError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            let detail = String(cString: gai_strerror(status))
            throw TransportError(kind: .addressResolutionFailed, operation: .resolve, peer: host, detail: detail)
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var cursor = list
        while let entry = cursor, addresses.count < TransportLimits.maximumAddressesPerConnect {
            if let raw = entry.pointee.ai_addr, let address = SocketAddress(raw, length: entry.pointee.ai_addrlen),
                !addresses.contains(address)
            {
                addresses.append(address)
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else {
            throw TransportError(
                kind: .addressResolutionFailed, operation: .resolve, peer: host, detail: "no IPv4 or IPv6 address")
        }
        return addresses
    }
}

/// A result that may arrive before or after its continuation is installed, and is delivered
/// exactly once (the first of result or cancellation wins).
final class PendingResult<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, any Error>)
        case finished(Result<Value, any Error>)
        case delivered
    }

    private let state = Mutex(State.empty)

    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        let ready: Result<Value, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .waiting(continuation)
                return nil
            case .finished(let result):
                state = .delivered
                return result
            case .waiting, .delivered:
                preconditionFailure("a PendingResult takes one continuation")
            }
        }
        if let ready { continuation.resume(with: ready) }
    }

    func complete(_ result: Result<Value, any Error>) {
        let waiting: CheckedContinuation<Value, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .finished(result)
                return nil
            case .waiting(let continuation):
                state = .delivered
                return continuation
            case .finished, .delivered:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}
