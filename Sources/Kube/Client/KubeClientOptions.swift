/// Tuning of a `KubeClient`. Every field has a safe default.
public struct KubeClientOptions: Sendable {
    /// Deadline of one call, retries included, unless the call names its own. Default 30 s.
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    /// `timeoutSeconds` asked of the server for each watch; it then ends the stream cleanly and
    /// the watcher resumes from the last resourceVersion. Default 5 minutes (client-go uses
    /// 5-10 minutes), so a silently broken stream is replaced within that time at worst.
    public var watchTimeout: Duration
    /// Extra time a watch may run past `watchTimeout` before the client drops it as dead.
    public var watchGrace: Duration
    /// Largest answer read into memory. 1,000 pods are about 3 MB; a list that exceeds this
    /// should be paginated. Default 128 MiB.
    public var maximumResponseBytes: Int
    /// Largest single watch event (one object). Default 16 MiB, above etcd's 1.5 MiB object limit.
    public var maximumEventBytes: Int
    /// Watch events buffered for a slow consumer before the watch is ended with
    /// `KubeError.watchOverflow` (the watcher then relists). Default 10,000.
    public var watchBufferLimit: Int
    /// Idle and total connections per host. Every open watch holds one HTTP/1.1 connection, so
    /// this bounds watches plus concurrent calls. Default 64.
    public var maximumConnectionsPerHost: Int
    public var userAgent: String
    /// A uniform random number in [0, 1) for retry jitter. Injected so that tests and
    /// simulations are deterministic; the default uses the system generator.
    public var unitRandom: @Sendable () -> Double

    public init(
        requestTimeout: Duration = .seconds(30), retry: RetryPolicy = RetryPolicy(),
        watchTimeout: Duration = .seconds(300), watchGrace: Duration = .seconds(30),
        maximumResponseBytes: Int = 128 << 20, maximumEventBytes: Int = 16 << 20, watchBufferLimit: Int = 10_000,
        maximumConnectionsPerHost: Int = 64, userAgent: String = "pg-swarm-kube/1",
        unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.watchTimeout = watchTimeout
        self.watchGrace = watchGrace
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumEventBytes = maximumEventBytes
        self.watchBufferLimit = watchBufferLimit
        self.maximumConnectionsPerHost = maximumConnectionsPerHost
        self.userAgent = userAgent
        self.unitRandom = unitRandom
    }
}
