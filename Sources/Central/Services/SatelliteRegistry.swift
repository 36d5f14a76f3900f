import Foundation
import Logging
public import PGSwarmAPI

/// Registration and approval of satellites, following registration.proto: the satellite draws
/// its own token and sends only its SHA-256; central stores the hash, never mints or hands out
/// a token, and compares hashes in constant time.
public struct SatelliteRegistry: Sendable {
    let environment: CentralEnvironment
    let events: EventLog
    /// How often satellites poll CheckApproval.
    public var pollIntervalSeconds: UInt32 = 5

    public init(environment: CentralEnvironment) {
        self.environment = environment
        events = EventLog(environment: environment)
    }

    /// Register: creates a pending satellite, or returns the one with this token hash.
    public func register(_ request: Pgswarm_V1_RegisterRequest) async throws(RegistryError)
        -> Pgswarm_V1_RegisterResponse
    {
        guard request.authTokenSha256.count == 32 else {
            throw RegistryError(.invalidArgument, "auth_token_sha256 must be exactly 32 bytes")
        }
        guard Syntax.isDNSSubdomain(request.k8SClusterName.lowercased()), request.k8SClusterName.count <= 253,
            Syntax.isSingleLine(request.k8SClusterName, maximumLength: 253)
        else { throw RegistryError(.invalidArgument, "k8s_cluster_name is required and must be a DNS name") }
        guard Syntax.isSingleLine(request.hostname, maximumLength: 253),
            Syntax.isSingleLine(request.region, maximumLength: 63),
            Syntax.isSingleLine(request.satelliteVersion, maximumLength: 64)
        else { throw RegistryError(.invalidArgument, "hostname, region or satellite_version is malformed") }
        guard request.labels.count <= 64,
            request.labels.allSatisfy({ Syntax.isLabelKey($0.key) && Syntax.isLabelValue($0.value) })
        else { throw RegistryError(.invalidArgument, "labels must be Kubernetes label keys and values") }
        let result: (satellite: Satellite, created: Bool)
        do {
            result = try await environment.store.registerSatellite(
                hostname: request.hostname, k8sClusterName: request.k8SClusterName, region: request.region,
                labels: request.labels, tokenHash: Array(request.authTokenSha256),
                satelliteVersion: request.satelliteVersion)
        } catch {
            environment.logger.error("registration failed", metadata: ["error": "\(error)"])
            throw RegistryError(.internal, "registration could not be stored")
        }
        let satellite = result.satellite
        switch satellite.state {
        case .rejected, .replaced:
            throw RegistryError(.permissionDenied, "this satellite was \(satellite.state.rawValue); do not retry")
        case .pending, .approved, .connected, .disconnected:
            break
        }
        if result.created {
            environment.live.publish("satellite.updated", satellite)
            await events.central(
                "satellite.registered", .info, satelliteID: satellite.id,
                message: "satellite \(satellite.k8sClusterName) registered and waits for approval",
                data: ["k8s_cluster_name": satellite.k8sClusterName, "hostname": satellite.hostname])
        }
        var response = Pgswarm_V1_RegisterResponse()
        response.satelliteID = satellite.id.uuidString.lowercased()
        response.pollIntervalSeconds = pollIntervalSeconds
        return response
    }

    /// CheckApproval: proves possession of the token and reports the state. Never mints anything.
    public func checkApproval(_ request: Pgswarm_V1_CheckApprovalRequest) async throws(RegistryError)
        -> Pgswarm_V1_CheckApprovalResponse
    {
        guard let id = UUID(uuidString: request.satelliteID) else {
            throw RegistryError(.notFound, "unknown satellite; register again")
        }
        let satellite: Satellite?
        let storedHash: [UInt8]?
        do {
            satellite = try await environment.store.satellite(id)
            storedHash = try await environment.store.tokenHash(of: id)
        } catch {
            throw RegistryError(.internal, "approval state could not be read")
        }
        guard let satellite, let storedHash else { throw RegistryError(.notFound, "unknown satellite; register again") }
        guard Digest.constantTimeEquals(Digest.sha256(request.authToken), storedHash) else {
            throw RegistryError(.unauthenticated, "token does not match")
        }
        switch satellite.state {
        case .rejected, .replaced:
            throw RegistryError(.permissionDenied, "this satellite was \(satellite.state.rawValue); do not retry")
        case .pending, .approved, .connected, .disconnected:
            break
        }
        var response = Pgswarm_V1_CheckApprovalResponse()
        response.approved = satellite.state.isActive
        response.state = satellite.state.protoValue
        response.satelliteName = satellite.name ?? ""
        return response
    }

    /// Authenticates a stream from its `authorization` metadata (`Bearer <token>`): unknown
    /// token → UNAUTHENTICATED; pending, rejected or replaced → PERMISSION_DENIED.
    public func authenticateStream(authorization: String) async throws(RegistryError) -> Satellite {
        guard authorization.hasPrefix("Bearer "), authorization.count > 7, authorization.count < 1024 else {
            throw RegistryError(.unauthenticated, "missing bearer token")
        }
        let hash = Digest.sha256(String(authorization.dropFirst(7)))
        let satellite: Satellite?
        let storedHash: [UInt8]?
        do {
            satellite = try await environment.store.satellite(tokenHash: hash)
            storedHash = try await satellite.asyncMap { try await environment.store.tokenHash(of: $0.id) } ?? nil
        } catch {
            throw RegistryError(.internal, "token could not be checked")
        }
        guard let satellite, let storedHash, Digest.constantTimeEquals(hash, storedHash) else {
            throw RegistryError(.unauthenticated, "unknown token")
        }
        guard satellite.state.isActive else {
            throw RegistryError(.permissionDenied, "satellite is \(satellite.state.rawValue)")
        }
        return satellite
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension SatelliteState {
    var protoValue: Pgswarm_V1_SatelliteState {
        switch self {
        case .pending: return .pending
        case .approved: return .approved
        case .connected: return .connected
        case .disconnected: return .disconnected
        case .replaced: return .replaced
        case .rejected: return .rejected
        }
    }
}
