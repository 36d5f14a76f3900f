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
        let authorization = context.requestMetadata["authorization"] ?? ""
        let registry = registry
        // In a task of its own: the call's task lives as long as the stream (days), and would
        // otherwise keep the stack the database lookup needed.
        let outcome = await Task { () async -> Result<Satellite, RegistryError> in
            do throws(RegistryError) {
                return .success(try await registry.authenticateStream(authorization: authorization))
            } catch {
                return .failure(error)
            }
        }.value
        switch outcome {
        case .success(let satellite):
            context.attach(AuthenticatedSatellite(satellite: satellite))
        case .failure(let error):
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
