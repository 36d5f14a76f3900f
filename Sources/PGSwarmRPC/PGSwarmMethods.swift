public import GRPC
public import PGSwarmAPI

/// Method descriptors of the pgswarm.v1 services (Protos/pgswarm/v1), written by hand next to
/// the generated messages: protoc-gen-swift generates messages only.
public enum RegistrationServiceMethods {
    public static let service = "pgswarm.v1.RegistrationService"

    /// A satellite asks to join; central records it as pending until an operator approves.
    public static let register = MethodDescriptor<Pgswarm_V1_RegisterRequest, Pgswarm_V1_RegisterResponse>(
        service: service, method: "Register", kind: .unary)

    /// A pending satellite polls whether it was approved (and gets its token when it was).
    public static let checkApproval = MethodDescriptor<
        Pgswarm_V1_CheckApprovalRequest, Pgswarm_V1_CheckApprovalResponse
    >(service: service, method: "CheckApproval", kind: .unary)
}

public enum SatelliteStreamServiceMethods {
    public static let service = "pgswarm.v1.SatelliteStreamService"

    /// The satellite's one persistent stream to central (it dials out from behind NAT).
    public static let connect = MethodDescriptor<Pgswarm_V1_SatelliteMessage, Pgswarm_V1_CentralMessage>(
        service: service, method: "Connect", kind: .bidirectionalStreaming)
}

public enum SidecarStreamServiceMethods {
    public static let service = "pgswarm.v1.SidecarStreamService"

    /// A failover sidecar's persistent stream to its satellite.
    public static let connect = MethodDescriptor<Pgswarm_V1_SidecarMessage, Pgswarm_V1_SidecarCommand>(
        service: service, method: "Connect", kind: .bidirectionalStreaming)
}

/// grpc.health.v1 (the standard health checking protocol, doc/health-checking.md).
public enum HealthMethods {
    public static let service = "grpc.health.v1.Health"

    public static let check = MethodDescriptor<Grpc_Health_V1_HealthCheckRequest, Grpc_Health_V1_HealthCheckResponse>(
        service: service, method: "Check", kind: .unary)

    public static let list = MethodDescriptor<Grpc_Health_V1_HealthListRequest, Grpc_Health_V1_HealthListResponse>(
        service: service, method: "List", kind: .unary)

    public static let watch = MethodDescriptor<Grpc_Health_V1_HealthCheckRequest, Grpc_Health_V1_HealthCheckResponse>(
        service: service, method: "Watch", kind: .serverStreaming)
}
