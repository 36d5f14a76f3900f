/// Get, create and compare-and-swap update of Leases, each call bounded by `timeout`, for the
/// failover sidecar's Lease store (STYLE.md §6.6).
///
/// Losing a race is an answer, not an error: `create` of an existing Lease and `update` with a
/// stale resourceVersion return `.lostRace`. Everything else that keeps a call from completing
/// (unreachable server, deadline, 5xx) throws `KubeError`. After `.lostRace` on an update,
/// re-read with `get` (from the API, not a cache) and check whether our own earlier write
/// landed before deciding anything: a timed-out write may have been applied.
public struct LeaseClient: Sendable {
    public let client: KubeClient
    public let namespace: String
    /// Deadline of each call, retries included. Keep it at most renewDeadline / 2, so that one
    /// hung request cannot cost the lease (client-go sizes it the same way).
    public let timeout: Duration

    public init(client: KubeClient, namespace: String, timeout: Duration) {
        self.client = client
        self.namespace = namespace
        self.timeout = timeout
    }

    public enum WriteOutcome: Sendable, Equatable {
        /// The server accepted the write; the Lease as stored (with its new resourceVersion).
        case written(Lease)
        /// Someone else created the Lease first, or changed it since it was read.
        case lostRace
    }

    /// The Lease, or nil if it does not exist.
    public func get(_ name: String) async throws -> Lease? {
        do {
            return try await client.get(Lease.self, name, namespace: namespace, timeout: timeout)
        } catch KubeError.notFound {
            return nil
        }
    }

    /// Creates the Lease (compare-and-create: it must not exist yet).
    public func create(_ lease: Lease) async throws -> WriteOutcome {
        do {
            return .written(try await client.create(lease, namespace: namespace, timeout: timeout))
        } catch KubeError.alreadyExists {
            return .lostRace
        }
    }

    /// Replaces the Lease if it is unchanged since `lease` was read (its resourceVersion).
    /// A Lease that was never read (no resourceVersion) is refused without a request: an
    /// unconditional update would defeat the compare-and-swap.
    public func update(_ lease: Lease) async throws -> WriteOutcome {
        guard lease.metadata.resourceVersion?.isEmpty == false else {
            throw KubeError.invalidConfiguration("Lease update without a resourceVersion: read the Lease first")
        }
        var lease = lease
        lease.metadata.namespace = namespace
        do {
            return .written(try await client.update(lease, timeout: timeout))
        } catch KubeError.conflict {
            return .lostRace
        }
    }

    /// Whether `lease` names `identity` as holder: after a timed-out update, a re-read that
    /// shows our identity and the renew time we wrote means our write landed.
    public static func isHeld(_ lease: Lease, by identity: String) -> Bool {
        lease.spec?.holderIdentity == identity
    }
}
