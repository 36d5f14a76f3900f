public import GRPC
public import PGSwarmAPI

/// Where and as whom the sidecar dials its satellite.
public struct SatelliteLinkConfiguration: Sendable {
    public var host: String
    public var port: UInt16
    /// TLS with the satellite's CA, or plaintext (inside the pod network only).
    public var security: GRPCChannelConfiguration.Security
    /// The cluster's sidecar stream token, sent as `authorization: Bearer <token>`. SECRET:
    /// never logged, never part of a description.
    public var token: String
    /// The first message of every stream (a fresh session id per process).
    public var identity: Pgswarm_V1_SidecarIdentity
    /// Between heartbeats. Default 10 s (sidecar_stream.proto).
    public var heartbeatInterval: Duration
    /// Between reconnection attempts: 1 s doubling to 30 s, ±20 % jitter (sidecar_stream.proto).
    public var backoff: ConnectionBackoff
    /// One connection attempt's budget.
    public var connectTimeout: Duration

    public init(
        host: String, port: UInt16, security: GRPCChannelConfiguration.Security = .plaintext, token: String,
        identity: Pgswarm_V1_SidecarIdentity, heartbeatInterval: Duration = .seconds(10),
        backoff: ConnectionBackoff = ConnectionBackoff(
            initial: .seconds(1), multiplier: 2, jitter: 0.2, maximum: .seconds(30), minimumConnectTimeout: .seconds(10)
        ),
        connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.token = token
        self.identity = identity
        self.heartbeatInterval = heartbeatInterval
        self.backoff = backoff
        self.connectTimeout = connectTimeout
    }

    /// The channel of one attempt. Keepalive PINGs notice a satellite that vanished without a
    /// word; the heartbeat acknowledgements keep them from being sent on a healthy stream.
    var channel: GRPCChannelConfiguration {
        var session = SessionConfiguration()
        session.keepalive = KeepaliveConfiguration(interval: heartbeatInterval * 3, timeout: .seconds(10))
        return GRPCChannelConfiguration(
            host: host, port: port, security: security, connectTimeout: connectTimeout, backoff: backoff,
            connection: session)
    }
}

extension SatelliteLinkConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "satellite \(host):\(port) (token redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "port": port, "pod": identity.podName, "cluster": identity.clusterName])
    }
}
