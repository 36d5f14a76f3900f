public import GRPC
import PGSwarmAPI
import PGSwarmRPC

/// `pgswarm.v1.RegistrationService` over the registry: Register and CheckApproval, rate limited.
public struct RegistrationRPCService: GRPCService {
    let registry: SatelliteRegistry
    let limiter: RateLimiter

    public init(registry: SatelliteRegistry, limiter: RateLimiter) {
        self.registry = registry
        self.limiter = limiter
    }

    public func register(into services: inout ServiceRegistry) {
        services.unary(RegistrationServiceMethods.register) { request, _ in
            try admit()
            do throws(RegistryError) {
                return try await registry.register(request)
            } catch {
                throw GRPCStatus(registryError: error)
            }
        }
        services.unary(RegistrationServiceMethods.checkApproval) { request, _ in
            try admit()
            do throws(RegistryError) {
                return try await registry.checkApproval(request)
            } catch {
                throw GRPCStatus(registryError: error)
            }
        }
    }

    private func admit() throws(GRPCStatus) {
        guard limiter.admit() else {
            throw GRPCStatus(.resourceExhausted, "too many registration calls; retry later")
        }
    }
}
