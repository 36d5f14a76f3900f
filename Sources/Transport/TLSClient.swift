/// Opens outgoing TLS connections: TCP connect plus client handshake under one deadline.
public enum TLSClient {
    /// Connects to `host:port` and runs the handshake, all within `timeout`. The certificate is
    /// checked against `serverName`, which defaults to `host` (pass it when dialling an address
    /// whose certificate carries a different name, e.g. a pod IP behind a service name).
    public static func connect(
        host: String, port: UInt16, context: TLSClientContext, serverName: String? = nil, timeout: Duration,
        options: TCPOptions = TCPOptions(), loop: EventLoop = .shared
    ) async throws -> TLSConnection {
        let deadline = Deadline.after(timeout)
        let tcp = try await TCPClient.connect(host: host, port: port, deadline: deadline, options: options, loop: loop)
        return try await TLSConnection.connect(
            over: tcp, context: context, serverName: serverName ?? host, deadline: deadline)
    }
}
