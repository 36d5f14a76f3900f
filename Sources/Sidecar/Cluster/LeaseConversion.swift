public import Failover
public import Kube

/// The two pure conversions between the election's `LeaseRecord` and the Kubernetes Lease
/// (client-go's `LeaseSpecToLeaderElectionRecord` and back), round-trip tested.
///
/// - The duration is stored in whole seconds, rounded *up*: observers then wait at least as long
///   as the holder assumed.
/// - `releasedBy` lives in the annotation `pg-swarm.io/released-by` (a Lease spec has no field
///   for it); it is removed whenever the lease has a holder.
/// - Timestamps are opaque to the election (display only) and pass through as text.
public enum LeaseConversion {
    public static func record(from lease: Lease) -> LeaseRecord {
        let spec = lease.spec?.value
        let holder = spec?.holderIdentity.flatMap { $0.isEmpty ? nil : $0 }
        return LeaseRecord(
            holder: holder, leaseDuration: .seconds(max(1, spec?.leaseDurationSeconds ?? 1)),
            acquireTime: spec?.acquireTime.map { LeaseTimestamp($0.timestamp.rfc3339Micro) },
            renewTime: spec?.renewTime.map { LeaseTimestamp($0.timestamp.rfc3339Micro) },
            transitions: spec?.leaseTransitions ?? 0,
            releasedBy: holder == nil ? lease.metadata.annotations?[Labels.releasedBy] : nil,
            resourceVersion: lease.metadata.resourceVersion)
    }

    /// The Lease to write for `record`. `base` is the object last read (its other labels,
    /// annotations and unknown fields are kept); `resourceVersion` is the compare-and-swap.
    public static func lease(
        _ record: LeaseRecord, name: String, namespace: String, labels: [String: String], base: Lease?,
        resourceVersion: String?
    ) -> Lease {
        var metadata = base?.metadata ?? ObjectMeta(name: name, namespace: namespace)
        metadata.name = name
        metadata.namespace = namespace
        metadata.resourceVersion = resourceVersion
        metadata.labels = (metadata.labels ?? [:]).merging(labels) { _, new in new }
        var annotations = metadata.annotations ?? [:]
        annotations[Labels.releasedBy] = record.holder == nil ? record.releasedBy : nil
        metadata.annotations = annotations.isEmpty ? nil : annotations
        var lease = base ?? Lease(metadata: metadata)
        lease.metadata = metadata
        var spec = lease.spec?.value ?? LeaseSpec()
        spec.holderIdentity = record.holder
        spec.leaseDurationSeconds = wholeSecondsRoundedUp(record.leaseDuration)
        spec.acquireTime = record.acquireTime.flatMap(microTime)
        spec.renewTime = record.renewTime.flatMap(microTime)
        spec.leaseTransitions = record.transitions
        if var preserved = lease.spec {
            preserved.value = spec
            lease.spec = preserved
        } else {
            lease = Lease(metadata: metadata, spec: spec)
        }
        return lease
    }

    public static func wholeSecondsRoundedUp(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    static func microTime(_ timestamp: LeaseTimestamp) -> MicroTime? {
        Timestamp(rfc3339: timestamp.rawValue).map(MicroTime.init)
    }
}
