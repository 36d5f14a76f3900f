import Synchronization
import Transport

/// Plain HTTP on loopback in front of a TLS server that a private CA signed.
///
/// Written when the Kubernetes client ran on URLSession, which on Linux trusts only the system
/// CA bundle; the client now trusts a configured CA itself. kube-bench still measures through
/// it when not root (one extra loopback hop). It verifies the server against the CA (OpenSSL
/// through Transport) and relays bytes unchanged.
public final class TLSForwarder: Sendable {
    public let port: UInt16
    private let listener: TCPListener
    private let acceptTask = Mutex<Task<Void, Never>?>(nil)
    /// Open relays, so that `stop` can end them.
    private let connections = Mutex<[Int: [any ByteStream]]>([:])
    private let nextID = Mutex(0)

    private init(listener: TCPListener) {
        self.listener = listener
        self.port = listener.port
    }

    public static func start(upstreamHost: String = "127.0.0.1", upstreamPort: UInt16, caFile: String) async throws
        -> TLSForwarder
    {
        let context = try TLSClientContext(
            configuration: TLSClientConfiguration(trustRoots: .caFile(caFile), applicationProtocols: ["http/1.1"]))
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        let forwarder = TLSForwarder(listener: listener)
        let task = Task {
            await withDiscardingTaskGroup { group in
                for await client in AcceptedConnections(base: listener.connections) {
                    group.addTask {
                        guard
                            let upstream = try? await TLSClient.connect(
                                host: upstreamHost, port: upstreamPort, context: context, timeout: .seconds(10))
                        else {
                            client.close()
                            return
                        }
                        let id = forwarder.nextID.withLock { id in
                            id += 1
                            return id
                        }
                        forwarder.connections.withLock { $0[id] = [client, upstream] }
                        await relay(client, upstream)
                        _ = forwarder.connections.withLock { $0.removeValue(forKey: id) }
                    }
                }
            }
        }
        forwarder.acceptTask.withLock { $0 = task }
        return forwarder
    }

    public func stop() async {
        listener.close()
        for connection in connections.withLock({ $0.values.flatMap { $0 } }) { connection.close() }
        if let task = acceptTask.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
    }
}

/// Copies bytes both ways until either side ends, then closes both.
private func relay(_ left: any ByteStream, _ right: any ByteStream) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await pump(from: left, to: right) }
        group.addTask { await pump(from: right, to: left) }
        await group.next()
        left.close()
        right.close()
    }
}

private func pump(from source: any ByteStream, to sink: any ByteStream) async {
    while true {
        guard let bytes = try? await source.read(maxBytes: 64 * 1024, deadline: .never), !bytes.isEmpty else { return }
        do { try await sink.write(bytes, deadline: .after(.seconds(30))) } catch { return }
    }
}

/// Iterates the listener's connections, ending (instead of throwing) when it fails.
private struct AcceptedConnections: AsyncSequence {
    typealias Element = TCPConnection
    let base: TCPListener.Connections

    struct Iterator: AsyncIteratorProtocol {
        var base: TCPListener.Connections.Iterator
        mutating func next() async -> TCPConnection? {
            (try? await base.next()) ?? nil
        }
    }

    func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator()) }
}
