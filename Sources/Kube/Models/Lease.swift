/// `coordination.k8s.io/v1` Lease: the lock behind leader election.
public struct Lease: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "coordination.k8s.io", versions: ["v1"], plural: "leases", kind: "Lease", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Preserved<LeaseSpec>?

    public init(metadata: ObjectMeta, spec: LeaseSpec? = nil) {
        self.apiVersion = "coordination.k8s.io/v1"
        self.kind = "Lease"
        self.metadata = metadata
        self.spec = spec.map { Preserved($0) }
    }
}

public struct LeaseSpec: Codable, Sendable, Equatable, KnownFields {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    /// MicroTime: written with six fractional digits and read back exactly.
    public var acquireTime: MicroTime?
    public var renewTime: MicroTime?
    public var leaseTransitions: Int?

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: MicroTime? = nil,
        renewTime: MicroTime? = nil, leaseTransitions: Int? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}
