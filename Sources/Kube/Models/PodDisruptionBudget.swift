/// PodDisruptionBudget: `policy/v1`, or `policy/v1beta1` on servers older than 1.21 (the client
/// discovers which; the shape used here is the same in both). Note the one semantic difference:
/// an empty selector selects every pod in v1 and none in v1beta1.
public struct PodDisruptionBudget: KubeObject, Equatable {
    public static let resourceType = ResourceType(
        group: "policy", versions: ["v1", "v1beta1"], plural: "poddisruptionbudgets", kind: "PodDisruptionBudget",
        namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Preserved<PodDisruptionBudgetSpec>?
    public var status: PodDisruptionBudgetStatus?

    public init(metadata: ObjectMeta, spec: PodDisruptionBudgetSpec) {
        self.kind = "PodDisruptionBudget"
        self.metadata = metadata
        self.spec = Preserved(spec)
    }
}

public struct PodDisruptionBudgetSpec: Codable, Sendable, Equatable, KnownFields {
    /// Mutually exclusive with `maxUnavailable`.
    public var minAvailable: IntOrString?
    public var maxUnavailable: IntOrString?
    public var selector: LabelSelector?

    public init(minAvailable: IntOrString? = nil, maxUnavailable: IntOrString? = nil, selector: LabelSelector?) {
        self.minAvailable = minAvailable
        self.maxUnavailable = maxUnavailable
        self.selector = selector
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minAvailable, maxUnavailable, selector
    }
    public static let knownFields = Set(CodingKeys.allCases.map(\.rawValue))
}

public struct PodDisruptionBudgetStatus: Codable, Sendable, Equatable {
    public var observedGeneration: Int64?
    public var disruptionsAllowed: Int?
    public var currentHealthy: Int?
    public var desiredHealthy: Int?
    public var expectedPods: Int?
}
