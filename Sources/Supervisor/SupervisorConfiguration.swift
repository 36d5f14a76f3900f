public import Postgres

/// Where the supervisor keeps things and how it runs PostgreSQL.
///
/// Pod layout (all paths configurable, see the executable's flags):
/// - `volumeRoot` (the data PVC): `pgdata/` (PGDATA), `conf/` (the postgresql.conf and pg_hba.conf
///   PostgreSQL reads: rendered here at every start, writable so the sidecar can fence), and the
///   markers `.pg-swarm-initialized` / `.pg-swarm-needs-rebuild`. Markers live outside PGDATA so
///   they survive a wipe of it.
/// - `templateDirectory` (the cluster's ConfigMap, read-only): `postgresql.conf` with the cluster's
///   parameters and `pg_hba.conf`.
/// - `socketDirectory` (an emptyDir shared with the sidecar): PostgreSQL's Unix socket and the
///   supervisor's control socket.
public struct SupervisorConfiguration: Sendable {
    public var volumeRoot: String
    public var templateDirectory: String
    public var socketDirectory: String
    /// The pod name; also `cluster_name`, so it is the standby's `application_name`.
    public var nodeName: String
    public var port: Int
    /// Addresses PostgreSQL listens on for clients and standbys.
    public var listenAddresses: String
    public var superuser: String
    public var superuserPassword: String?
    public var replicationUser: String
    public var replicationPassword: String?
    public var tools: PostgresTools
    /// Restart policy for a PostgreSQL that exits on its own.
    public var crashPolicy: CrashPolicy
    /// Attempts of pg_rewind before falling back to a fresh base backup.
    public var rewindAttempts: Int
    /// Seconds a re-pointed standby gets to start streaming before it is rewound.
    public var streamingGrace: Double

    public init(
        volumeRoot: String, templateDirectory: String, socketDirectory: String, nodeName: String, port: Int = 5432,
        listenAddresses: String = "*", superuser: String = "postgres", superuserPassword: String? = nil,
        replicationUser: String = "replicator", replicationPassword: String? = nil,
        tools: PostgresTools = PostgresTools(),
        crashPolicy: CrashPolicy = CrashPolicy(), rewindAttempts: Int = 3, streamingGrace: Double = 10
    ) {
        self.volumeRoot = volumeRoot
        self.templateDirectory = templateDirectory
        self.socketDirectory = socketDirectory
        self.nodeName = nodeName
        self.port = port
        self.listenAddresses = listenAddresses
        self.superuser = superuser
        self.superuserPassword = superuserPassword
        self.replicationUser = replicationUser
        self.replicationPassword = replicationPassword
        self.tools = tools
        self.crashPolicy = crashPolicy
        self.rewindAttempts = rewindAttempts
        self.streamingGrace = streamingGrace
    }

    public var dataDirectory: String { volumeRoot + "/pgdata" }
    public var configDirectory: String { volumeRoot + "/conf" }
    public var hbaPath: String { configDirectory + "/pg_hba.conf" }
    public var initializedMarker: String { volumeRoot + "/.pg-swarm-initialized" }
    public var rebuildMarker: String { volumeRoot + "/.pg-swarm-needs-rebuild" }
    /// The replication password for the standby's walreceiver, read through `passfile` so it never
    /// sits in postgresql.auto.conf.
    public var passwordFile: String { volumeRoot + "/.pgpass" }
    public var controlSocketPath: String { socketDirectory + "/pg-swarm-supervisor.sock" }
    public var logPath: String { volumeRoot + "/postgres.log" }

    /// conninfo for the local server over the Unix socket, as the superuser.
    public var localConninfo: String {
        "host=\(conninfoQuoted(socketDirectory)) port=\(port) user=\(conninfoQuoted(superuser)) dbname=postgres"
    }
}
