public import Foundation
public import GRPC
public import Logging
public import PGSwarmRPC
import PGSwarmAPI
import Transport

/// Central's gRPC side assembled: RegistrationService, SatelliteStreamService and the standard
/// health service behind the token interceptor, over TLS unless plaintext was asked for.
public final class CentralGRPCEndpoint: Sendable {
    public let server: GRPCServer
    public let health: HealthService
    /// The CA satellites must trust, when central made its own.
    public let developmentCA: DevelopmentCA?
    public let usesTLS: Bool

    /// The bound port (the kernel's choice when configured with 0).
    public var port: UInt16 { server.port }

    /// Registration calls allowed per second on average, and at once.
    static let registrationRate = (perSecond: 200.0, burst: 1_000)

    private init(server: GRPCServer, health: HealthService, developmentCA: DevelopmentCA?, usesTLS: Bool) {
        self.server = server
        self.health = health
        self.developmentCA = developmentCA
        self.usesTLS = usesTLS
    }

    /// Prepares TLS (creating the development CA if needed) and binds the port.
    public static func bind(
        _ settings: GRPCSettings, registry: SatelliteRegistry, streams: SatelliteStreamService,
        hub: SatelliteStreamHub, logger: Logger, now: Date, random: any SecureRandom
    ) async throws -> CentralGRPCEndpoint {
        var developmentCA: DevelopmentCA?
        let security: GRPCServerConfiguration.Security
        switch settings.security {
        case .plaintext:
            security = .plaintext
        case .certificate(let files):
            security = .tls(try TLSServerContext(configuration: files))
        case .developmentCA(let directory, let names):
            let authority = try DevelopmentCA.prepare(
                directory: directory, serverNames: names, now: now, random: random)
            developmentCA = authority
            security = .tls(try TLSServerContext(configuration: authority.serverConfiguration))
        }
        let health = HealthService()
        health.setStatus(.serving, forService: RegistrationServiceMethods.service)
        health.setStatus(.serving, forService: SatelliteStreamServiceMethods.service)
        var services = ServiceRegistry()
        services.add(
            RegistrationRPCService(
                registry: registry,
                limiter: RateLimiter(perSecond: registrationRate.perSecond, burst: registrationRate.burst)))
        services.add(SatelliteConnectService(streams: streams, hub: hub))
        services.add(health)
        let configuration = GRPCServerConfiguration(
            host: settings.host, port: settings.port, security: security, maxConnections: settings.maxConnections,
            interceptors: [SatelliteTokenInterceptor(registry: registry)])
        let server = try await GRPCServer.bind(configuration, services: services, logger: logger)
        return CentralGRPCEndpoint(
            server: server, health: health, developmentCA: developmentCA, usesTLS: settings.security != .plaintext)
    }

    /// Stops taking calls: health says NOT_SERVING, then the server drains for `gracePeriod`.
    public func shutdown(gracePeriod: Duration) async {
        for service in ["", RegistrationServiceMethods.service, SatelliteStreamServiceMethods.service] {
            health.setStatus(.notServing, forService: service)
        }
        await server.shutdown(gracePeriod: gracePeriod)
    }
}
