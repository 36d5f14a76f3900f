public import Failover
import Postgres

/// What the status port asks of the shell.
extension SidecarShell {
    public func statusReport() -> SidecarStatusReport {
        let now = clock.now()
        let snapshot = observation.local.snapshot
        let view = memory.lease.view
        return SidecarStatusReport(
            member: configuration.podName, cluster: configuration.clusterName,
            role: observation.local.memberRole.rawValue, leaseHolder: view?.holder,
            leaseAgeSeconds: view.map { $0.observedAt.duration(to: now).seconds },
            holdsLease: memory.tenureDeadline.map { now < $0 } ?? false,
            lastRenewalAgeSeconds: memory.tenure.map { $0.startedAt.duration(to: now).seconds },
            fenced: snapshot?.fenced ?? false, timeline: snapshot?.timeline ?? 0,
            walPosition: (snapshot?.walPosition ?? .zero).description,
            replayedLSN: (snapshot?.replayedLSN ?? .zero).description, failovers: failovers,
            lastFailoverSeconds: lastFailoverDuration?.seconds, lastDecision: lastDecision?.summary,
            apiFailingSeconds: memory.api.failingSince.map { $0.duration(to: now).seconds }, cycles: cycles)
    }

    /// client-go's health rule: unhealthy when we believe we lead but have not renewed within
    /// the lease duration plus a tolerance (a deadlocked or starved leader).
    public func isHealthy() -> Bool {
        guard let tenure = memory.tenure else { return true }
        let tolerance = failover.retryPeriod * 2
        return tenure.startedAt.duration(to: clock.now()) <= failover.leaseDuration + tolerance
    }

    /// A primary's failsafe request (contract point 5).
    public func answerFailsafe(from primary: String) -> FailsafeAnswer {
        memory.answerFailsafeRequest(from: primary, local: observation.local, at: clock.now())
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
