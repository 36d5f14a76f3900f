public import Failover
import FoundationEssentials
public import Supervisor

/// Everything `failover-sidecar run` needs, validated at construction: one error per rule
/// (`SidecarConfigurationError`), and the election's own rules in `FailoverConfiguration`.
public struct SidecarConfiguration: Sendable {
    /// The pod's namespace; the Leases live there.
    public let namespace: String
    /// The PostgreSQL cluster's name: the Lease `<cluster>-leader`, the member Leases
    /// `<cluster>-member-<pod>`, and the label `pg-swarm.io/cluster=<cluster>` on all of them and
    /// on the cluster's pods.
    public let clusterName: String
    /// The election settings; `identity` is the pod name.
    public let failover: FailoverConfiguration
    /// Where this member's PostgreSQL is reached by peers (streaming, pg_rewind): the pod IP
    /// (`POD_IP`) or a DNS name, and the port.
    public let advertisedPostgres: SourceServer
    /// Where peers reach this sidecar's status port (failsafe confirmations), `host:port`.
    public let advertisedStatusAddress: String
    /// The local server over its Unix socket, as a superuser (the fence and the administration
    /// go through it; pg_hba.conf keeps `local` connections open while fenced).
    public let localPostgres: LocalPostgresSettings
    /// The supervisor's control socket on the shared volume.
    public let supervisorSocket: String
    /// Bound on each request to the API server: `renewDeadline / 2` unless set lower
    /// (client-go's sizing, so that one hung request cannot cost the lease).
    public let apiTimeout: Duration

    public init(
        namespace: String, clusterName: String, failover: FailoverConfiguration, advertisedPostgres: SourceServer,
        advertisedStatusAddress: String, localPostgres: LocalPostgresSettings, supervisorSocket: String,
        apiTimeout: Duration? = nil
    ) throws(SidecarConfigurationError) {
        self.namespace = namespace
        self.clusterName = clusterName
        self.failover = failover
        self.advertisedPostgres = advertisedPostgres
        self.advertisedStatusAddress = advertisedStatusAddress
        self.localPostgres = localPostgres
        self.supervisorSocket = supervisorSocket
        self.apiTimeout = apiTimeout ?? failover.renewDeadline / 2
        if let violation = firstViolation() { throw violation }
    }

    private func firstViolation() -> SidecarConfigurationError? {
        if !Self.isDNSLabel(namespace) { return .invalidNamespace(namespace) }
        // The cluster name prefixes Lease names and is a label value: at most 63 characters.
        if !Self.isDNSLabel(clusterName) { return .invalidClusterName(clusterName) }
        if !Self.isDNSLabel(podName) { return .invalidPodName(podName) }
        if advertisedPostgres.host.isEmpty || !(1...65_535).contains(advertisedPostgres.port) {
            return .invalidAdvertisedPostgres
        }
        if apiTimeout <= .zero || apiTimeout > failover.renewDeadline / 2 { return .apiTimeoutTooLong }
        if localPostgres.hbaFile.isEmpty || localPostgres.socketDirectory.isEmpty { return .localPostgresIncomplete }
        return nil
    }

    public var podName: String { failover.identity }
    public var leaderLeaseName: String { failover.leaseName }

    /// The name of a member's status Lease.
    public func memberLeaseName(_ member: String) -> String { "\(clusterName)-member-\(member)" }

    /// The label every object of this cluster carries.
    public var clusterLabel: (key: String, value: String) { (Labels.cluster, clusterName) }

    /// The StatefulSet ordinal at the end of the pod name (`orders-2` → 2), if any.
    public var ordinal: Int? {
        guard let dash = podName.lastIndex(of: "-") else { return nil }
        return Int(podName[podName.index(after: dash)...])
    }

    /// `<cluster>-leader`.
    public static func leaderLeaseName(cluster: String) -> String { "\(cluster)-leader" }

    static func isDNSLabel(_ text: String) -> Bool {
        guard (1...63).contains(text.count), let first = text.first, let last = text.last,
            first.isLetter || first.isNumber, last.isLetter || last.isNumber
        else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

/// How the sidecar reaches its own PostgreSQL.
public struct LocalPostgresSettings: Sendable {
    /// PostgreSQL's Unix socket directory (an emptyDir shared by the two containers).
    public var socketDirectory: String
    public var port: Int
    public var user: String
    /// The pg_hba.conf PostgreSQL reads (`<volume>/conf/pg_hba.conf`): the fence is written
    /// there, so it holds even while PostgreSQL is down and from its next start on.
    public var hbaFile: String
    /// Connect and statement timeout of the status connection, in seconds (Patroni uses 3 s and
    /// 2 s): a hung server must not stall the cycle.
    public var timeout: Double

    public init(
        socketDirectory: String, port: Int = 5432, user: String = "postgres", hbaFile: String, timeout: Double = 2
    ) {
        self.socketDirectory = socketDirectory
        self.port = port
        self.user = user
        self.hbaFile = hbaFile
        self.timeout = timeout
    }

    /// conninfo over the Unix socket (no password: `local` rules trust the pod's own processes).
    public var conninfo: String {
        "host=\(Self.quoted(socketDirectory)) port=\(port) user=\(Self.quoted(user)) dbname=postgres"
    }

    static func quoted(_ value: String) -> String {
        "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}

/// Label and annotation keys shared with the operator.
public enum Labels {
    public static let cluster = "pg-swarm.io/cluster"
    public static let role = "pg-swarm.io/role"
    /// On member status Leases: the member's name.
    public static let member = "pg-swarm.io/member"
    /// On the leader Lease once released: who released it (`LeaseRecord.releasedBy`).
    public static let releasedBy = "pg-swarm.io/released-by"
    /// On member status Leases: the status JSON (`MemberDocument`).
    public static let memberStatus = "pg-swarm.io/member-status"
}

public enum SidecarConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidNamespace(String)
    case invalidClusterName(String)
    case invalidPodName(String)
    case invalidAdvertisedPostgres
    case apiTimeoutTooLong
    case localPostgresIncomplete

    public var description: String {
        switch self {
        case .invalidNamespace(let name): "the namespace \"\(name)\" is not a DNS label"
        case .invalidClusterName(let name): "the cluster name \"\(name)\" is not a DNS label (1-63 of a-z, 0-9, -)"
        case .invalidPodName(let name): "the pod name \"\(name)\" is not a DNS label"
        case .invalidAdvertisedPostgres: "the advertised PostgreSQL address needs a host and a port 1-65535"
        case .apiTimeoutTooLong: "the API timeout must be positive and at most half the renew deadline"
        case .localPostgresIncomplete: "the local PostgreSQL socket directory and pg_hba.conf path must be set"
        }
    }
}
