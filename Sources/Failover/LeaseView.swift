/// What this member last saw of the lease, and when by its own monotonic clock it saw it change.
///
/// client-go's rule (`setObservedRecord` / `isLeaseValid`): `observedAt` is re-stamped only when
/// the record changes, and the lease is expired *for us* once our clock passes
/// `observedAt + leaseDuration`. The holder's `renewTime` is never compared with our clock, so
/// clock offsets between nodes do not matter; only clock rates do (see `FailoverConfiguration`).
/// A record counts as changed when any field, including `resourceVersion`, differs: every write
/// gets a new version, so a live holder's renewals always restart our count.
public struct LeaseView: Equatable, Sendable {
    public private(set) var record: LeaseRecord
    public private(set) var observedAt: MonotonicInstant

    public init(record: LeaseRecord, observedAt: MonotonicInstant) {
        self.record = record
        self.observedAt = observedAt
    }

    /// The view after seeing `record` at `now`: re-stamped only if the record changed.
    public func observing(_ record: LeaseRecord, at now: MonotonicInstant) -> LeaseView {
        record == self.record ? self : LeaseView(record: record, observedAt: now)
    }

    public var holder: String? {
        guard let holder = record.holder, !holder.isEmpty else { return nil }
        return holder
    }

    /// When the lease ends for us, unless we see it change before then.
    public var expiresAt: MonotonicInstant { observedAt + record.leaseDuration }

    /// True when nobody holds the lease or our clock says its holder had its time.
    public func isExpired(at now: MonotonicInstant) -> Bool { holder == nil || now >= expiresAt }
}

/// The lease as far as this member knows it.
public enum LeaseKnowledge: Equatable, Sendable {
    /// Not read successfully since this sidecar started.
    case unknown
    /// The object did not exist, continuously since `since` by our clock.
    case absent(since: MonotonicInstant)
    case present(LeaseView)

    public var view: LeaseView? {
        if case .present(let view) = self { return view }
        return nil
    }

    /// The knowledge after a successful read at `now` (`record` nil = the object does not exist).
    public func reading(_ record: LeaseRecord?, at now: MonotonicInstant) -> LeaseKnowledge {
        switch (self, record) {
        case (.present(let view), let record?): .present(view.observing(record, at: now))
        case (_, let record?): .present(LeaseView(record: record, observedAt: now))
        case (.absent(let since), nil): .absent(since: since)
        case (_, nil): .absent(since: now)
        }
    }

    /// The compare part of a compare-and-swap against what we last read.
    public var precondition: LeasePrecondition? {
        switch self {
        case .unknown: nil
        case .absent: .absent
        case .present(let view): view.record.resourceVersion.map(LeasePrecondition.resourceVersion)
        }
    }
}
