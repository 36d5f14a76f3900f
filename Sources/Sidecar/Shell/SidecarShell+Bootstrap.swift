import Failover
import Logging
import Supervisor

/// An empty volume: tell the supervisor how to get data. The one decision the shell makes
/// itself, because the core starts from a running server.
///
/// Initialize only on ordinal 0 of a cluster that never had a leader lease nor any other member
/// with data (the supervisor also refuses initdb on a volume that ever held a cluster); otherwise clone
/// from the lease holder once it runs as a healthy primary.
extension SidecarShell {
    func bootstrap() async -> MonotonicInstant {
        let retry = clock.now() + failover.retryPeriod
        let cluster = self.cluster
        let reading: ClusterReading
        do {
            reading = try await withDeadline(clock.now() + configuration.apiTimeout, clock: clock) {
                try await cluster.readCluster()
            }
        } catch {
            logger.info("waiting to bootstrap: cannot read the cluster", metadata: ["error": "\(error)"])
            return retry
        }
        for document in reading.members { documents[document.status.member] = document }
        guard let directive = Self.bootDirective(reading, me: configuration.podName, ordinal: configuration.ordinal)
        else {
            logger.info(
                "waiting to bootstrap: no running primary to clone from",
                metadata: ["lease.holder": "\(reading.lease?.holder ?? "none")"])
            return retry
        }
        logger.notice("bootstrapping", metadata: ["bootstrap.directive": "\(directive)"])
        do {
            // initdb or a base backup: as long as it takes, bounded for a wedged supervisor.
            try await node.bootstrap(directive, timeout: .seconds(3600))
        } catch {
            logger.warning("bootstrap failed; retrying", metadata: ["error": "\(error)"])
        }
        return clock.now()
    }

    /// Pure: the directive for an empty volume given one consistent read, or nil to wait.
    static func bootDirective(_ reading: ClusterReading, me: String, ordinal: Int?) -> BootDirective? {
        let others = reading.members.filter { $0.status.member != me }
        // A member that never ran PostgreSQL (timeline 0) holds no history that initdb could fork.
        let othersWithData = others.filter { $0.status.timeline > 0 }
        if reading.lease == nil && othersWithData.isEmpty {
            return ordinal == 0 ? .initialize : nil
        }
        guard let holder = reading.lease?.holder, holder != me,
            let leader = others.first(where: { $0.status.member == holder }), leader.status.role == .primary,
            leader.status.healthy
        else { return nil }
        return .clone(source: leader.postgres)
    }
}
