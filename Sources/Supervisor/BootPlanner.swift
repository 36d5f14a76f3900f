/// What the volume holds when the supervisor starts.
public struct VolumeState: Sendable, Equatable {
    /// PGDATA holds a cluster (`PG_VERSION` exists).
    public var hasCluster: Bool
    /// PGDATA exists and holds anything at all.
    public var dataDirectoryIsEmpty: Bool
    /// This volume once held a running cluster (marker outside PGDATA).
    public var wasEverInitialized: Bool
    /// Someone asked for a rebuild from a peer (marker outside PGDATA).
    public var rebuildRequested: Bool
    public var isStandby: Bool

    public init(
        hasCluster: Bool, dataDirectoryIsEmpty: Bool, wasEverInitialized: Bool, rebuildRequested: Bool, isStandby: Bool
    ) {
        self.hasCluster = hasCluster
        self.dataDirectoryIsEmpty = dataDirectoryIsEmpty
        self.wasEverInitialized = wasEverInitialized
        self.rebuildRequested = rebuildRequested
        self.isStandby = isStandby
    }
}

/// The sidecar's answer to "how do I get data?", from what it knows of the cluster (the Lease).
public enum BootDirective: Sendable, Equatable, Codable {
    /// No cluster exists yet and this node is the designated first primary (ordinal 0 and no
    /// leader lease ever existed).
    case initialize
    /// Copy the data of a running member.
    case clone(source: SourceServer)
}

/// How to reach a member to copy or stream from (credentials come from the supervisor's config).
public struct SourceServer: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// The first step of a boot.
public enum BootPlan: Sendable, Equatable {
    /// Start the cluster already on the volume.
    case start
    /// Wait for the sidecar's directive (it needs the cluster's state to decide).
    case awaitDirective(reason: String)
    case initialize
    case clone(SourceServer)
    /// Refuse: doing what was asked would lose data.
    case refuse(reason: String)
}

/// Decides how a node gets its data. The rules, in order:
/// 1. a requested rebuild wins (the data is known bad);
/// 2. an existing cluster is started as it is, without asking anyone, so a restart is fast;
/// 3. otherwise the sidecar must say; `initialize` is refused on a volume that ever held a
///    cluster, because a fresh initdb there would start a second, empty history.
public enum BootPlanner {
    public static func plan(volume: VolumeState, directive: BootDirective?) -> BootPlan {
        if volume.rebuildRequested {
            guard case .clone(let source) = directive else {
                return .awaitDirective(reason: "a rebuild was requested; waiting for a source to clone")
            }
            return .clone(source)
        }
        if volume.hasCluster { return .start }
        switch directive {
        case nil:
            return .awaitDirective(reason: "no cluster on this volume; waiting for the sidecar to say how to get one")
        case .initialize where volume.wasEverInitialized:
            return .refuse(reason: "this volume held a cluster before; refusing initdb, clone it from a member instead")
        case .initialize:
            return .initialize
        case .clone(let source):
            return .clone(source)
        }
    }
}
