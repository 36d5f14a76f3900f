public import GRPC
import PGSwarmRPC

/// The satellite a stream was authenticated as, attached to the call's context.
public struct AuthenticatedSatellite: Sendable {
    public let satellite: Satellite
}

/// Authenticates every call except the ones registration.proto and the health protocol leave
/// open: the `authorization: Bearer <auth_token>` metadata must name an approved satellite
/// (UNAUTHENTICATED for an unknown token, PERMISSION_DENIED for pending, rejected or replaced).
/// The token is hashed and compared in constant time by the registry; it is never logged.
public struct SatelliteTokenInterceptor: ServerInterceptor {
    let registry: SatelliteRegistry

    /// Services callable without a token.
    static let openServices: Set<String> = [RegistrationServiceMethods.service, HealthMethods.service]

    public init(registry: SatelliteRegistry) {
        self.registry = registry
    }

    public func intercept(_ context: ServerContext) async throws {
        let service = context.path.split(separator: "/").first.map(String.init) ?? ""
        guard !Self.openServices.contains(service) else { return }
        do {
            let satellite = try await registry.authenticateStream(
                authorization: context.requestMetadata["authorization"] ?? "")
            context.attach(AuthenticatedSatellite(satellite: satellite))
        } catch {
            throw GRPCStatus(registryError: error)
        }
    }
}

extension GRPCStatus {
    /// The status a registry failure is answered with (the codes are the same numbers).
    init(registryError error: RegistryError) {
        self.init(Code(wireValue: error.grpcStatusCode), error.message)
    }
}
