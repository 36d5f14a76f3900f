public import Transport
import Synchronization

/// An HTTP/1.1 client for one server, keeping a bounded pool of idle keep-alive connections.
///
/// A connection goes back to the pool only after its response was read in full and the server
/// allowed reuse. Requests that must never be sent twice ask for a fresh connection
/// (`reusingConnection: false`) and should carry `Connection: close`. A request that asked for
/// a pooled connection is sent again on a fresh one, once, when the pooled connection fails
/// before any byte of the answer arrived (the server closed it while idle).
public final class HTTP1Client: Sendable {
    public struct Configuration: Sendable {
        /// Host name or IP address to connect to (an IPv6 address without brackets).
        public var host: String
        public var port: UInt16
        /// TLS, or nil for plain TCP.
        public var tls: TLSClientContext?
        /// The name the certificate must carry (and SNI); defaults to `host`.
        public var serverName: String?
        /// The `Host` field value: `host[:port]`, an IPv6 address in brackets.
        public var hostField: String
        /// Idle connections kept for reuse; more are closed when returned.
        public var maximumIdleConnections: Int
        /// An idle connection older than this is closed rather than reused: servers drop idle
        /// connections after a while, and a write on one that was dropped fails.
        public var idleTimeout: Duration
        public var tcpOptions: TCPOptions

        public init(
            host: String, port: UInt16, tls: TLSClientContext? = nil, serverName: String? = nil,
            hostField: String? = nil, maximumIdleConnections: Int = 8, idleTimeout: Duration = .seconds(30),
            tcpOptions: TCPOptions = TCPOptions()
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.serverName = serverName
            let bracketed = host.contains(":") ? "[\(host)]" : host
            self.hostField = hostField ?? "\(bracketed):\(port)"
            self.maximumIdleConnections = maximumIdleConnections
            self.idleTimeout = idleTimeout
            self.tcpOptions = tcpOptions
        }
    }

    private struct Pool {
        var idle: [(connection: HTTP1ClientConnection, since: ContinuousClock.Instant)] = []
        /// Every connection handed out or idle, so that `shutdown` can close them all.
        var open: [ObjectIdentifier: HTTP1ClientConnection] = [:]
        var isShutDown = false
    }

    public let configuration: Configuration
    private let pool = Mutex(Pool())

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    deinit {
        shutdown()
    }

    /// Sends `request` and returns once the response head arrived; read the body through the
    /// response, which returns the connection to the pool or closes it.
    public func perform(
        _ request: HTTP1ClientRequest, reusingConnection: Bool, deadline: Deadline
    ) async throws -> HTTP1ClientResponse {
        if reusingConnection, let pooled = checkOutIdle() {
            do {
                let head = try await pooled.send(request, host: configuration.hostField, deadline: deadline)
                return HTTP1ClientResponse(head: head, connection: pooled, client: self)
            } catch let error as TransportError where error.kind != .timedOut && !pooled.receivedResponseBytes {
                forget(pooled)
            } catch let error as HTTP1ResponseError where error.kind == .truncated && !pooled.receivedResponseBytes {
                forget(pooled)
            } catch {
                forget(pooled)
                throw error
            }
        }
        let connection = try await connect(deadline: deadline)
        do {
            let head = try await connection.send(request, host: configuration.hostField, deadline: deadline)
            return HTTP1ClientResponse(head: head, connection: connection, client: self)
        } catch {
            forget(connection)
            throw error
        }
    }

    /// Closes every connection, idle or in use (their readers fail with `.closed`); later
    /// requests fail.
    public func shutdown() {
        let connections = pool.withLock { pool in
            pool.isShutDown = true
            pool.idle = []
            defer { pool.open = [:] }
            return Array(pool.open.values)
        }
        for connection in connections { connection.close() }
    }

    /// The number of idle pooled connections (for tests).
    public var idleConnectionCount: Int { pool.withLock { $0.idle.count } }

    private func connect(deadline: Deadline) async throws -> HTTP1ClientConnection {
        let tcp = try await TCPClient.connect(
            host: configuration.host, port: configuration.port, deadline: deadline, options: configuration.tcpOptions)
        let stream: any ByteStream
        if let tls = configuration.tls {
            stream = try await TLSConnection.connect(
                over: tcp, context: tls, serverName: configuration.serverName ?? configuration.host, deadline: deadline)
        } else {
            stream = tcp
        }
        let connection = HTTP1ClientConnection(stream: stream)
        let admitted = pool.withLock { pool in
            guard !pool.isShutDown else { return false }
            pool.open[ObjectIdentifier(connection)] = connection
            return true
        }
        guard admitted else {
            connection.close()
            throw TransportError(kind: .closed, operation: .connect, peer: stream.peerDescription)
        }
        return connection
    }

    private func checkOutIdle() -> HTTP1ClientConnection? {
        let now = ContinuousClock.now
        let (found, stale) = pool.withLock { pool -> (HTTP1ClientConnection?, [HTTP1ClientConnection]) in
            var stale: [HTTP1ClientConnection] = []
            while let (connection, since) = pool.idle.popLast() {
                if now - since < configuration.idleTimeout { return (connection, stale) }
                pool.open[ObjectIdentifier(connection)] = nil
                stale.append(connection)
            }
            return (nil, stale)
        }
        for connection in stale { connection.close() }
        return found
    }

    /// Takes back a connection whose response ended: pooled if it may carry another request.
    func release(_ connection: HTTP1ClientConnection) {
        let reusable = connection.isReusable
        let kept = pool.withLock { pool in
            guard reusable, !pool.isShutDown, pool.idle.count < configuration.maximumIdleConnections,
                pool.open[ObjectIdentifier(connection)] != nil
            else {
                pool.open[ObjectIdentifier(connection)] = nil
                return false
            }
            pool.idle.append((connection, ContinuousClock.now))
            return true
        }
        if !kept { connection.close() }
    }

    func forget(_ connection: HTTP1ClientConnection) {
        _ = pool.withLock { $0.open.removeValue(forKey: ObjectIdentifier(connection)) }
        connection.close()
    }
}

/// A response whose head arrived. Read its body with `readBody` or `nextBodyPart` to the end
/// (the connection then goes back to the pool), or `close` it.
public struct HTTP1ClientResponse: Sendable {
    public let head: HTTPResponseHead
    let connection: HTTP1ClientConnection
    let client: HTTP1Client

    /// The whole body, at most `limit` bytes.
    public func readBody(limit: Int, deadline: Deadline) async throws -> [UInt8] {
        do {
            let body = try await connection.readBody(limit: limit, deadline: deadline)
            client.release(connection)
            return body
        } catch {
            client.forget(connection)
            throw error
        }
    }

    /// The next piece of the body as it arrives, or nil at its end.
    public func nextBodyPart(deadline: Deadline) async throws -> [UInt8]? {
        do {
            guard let part = try await connection.nextBodyPart(deadline: deadline) else {
                client.release(connection)
                return nil
            }
            return part
        } catch {
            client.forget(connection)
            throw error
        }
    }

    /// Abandons the response: the connection is closed, never reused.
    public func close() {
        client.forget(connection)
    }
}
