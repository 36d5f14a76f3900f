import ArgumentParser
import DaemonSupport
import FoundationEssentials
import GRPC
import Logging
import PGSwarmAPI
import Sidecar
import SwiftProtobuf
import TextBasics
import Transport

/// The satellite stream's settings: off unless an address is given.
extension FailoverSidecar.Run {
    /// The satellite's sidecar stream port (DESIGN.md).
    static let defaultSatellitePort = 9091
    /// Reported as SidecarIdentity.sidecar_version.
    static let sidecarVersion = "0.1.0"

    /// nil when no satellite is configured. The token comes from a file (a mounted Secret),
    /// never from a flag, which `ps` would show to every user of the machine.
    func satelliteSettings(_ configuration: SidecarConfiguration) throws -> SatelliteLinkConfiguration? {
        guard let address = setting(satelliteAddress, environment: "SATELLITE_ADDRESS") else { return nil }
        let target: HostPort
        if let parsed = HostPort(argument: address) {
            target = parsed
        } else if !address.isEmpty, !address.contains(":"), !address.contains(" ") {
            target = HostPort(host: address, port: Self.defaultSatellitePort)
        } else {
            throw ValidationError("--satellite-address must be host[:port]")
        }
        guard let tokenFile = setting(sidecarStreamTokenFile, environment: "SIDECAR_STREAM_TOKEN_FILE") else {
            throw ValidationError("--satellite-address needs --sidecar-stream-token-file or SIDECAR_STREAM_TOKEN_FILE")
        }
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingWhitespace
        } catch {
            throw ValidationError("cannot read the sidecar stream token file \(tokenFile)")
        }
        guard !token.isEmpty else { throw ValidationError("the sidecar stream token file \(tokenFile) is empty") }
        var security = GRPCChannelConfiguration.Security.plaintext
        if let caFile = setting(satelliteCaFile, environment: "SATELLITE_CA_FILE") {
            do {
                let context = try TLSClientContext(
                    configuration: TLSClientConfiguration(
                        trustRoots: .caFile(caFile), requiresApplicationProtocol: true))
                security = .tls(
                    context, serverNameOverride: setting(satelliteTlsName, environment: "SATELLITE_TLS_NAME"))
            } catch {
                throw ValidationError("cannot use the satellite CA file \(caFile): \(error)")
            }
        }
        var identity = Pgswarm_V1_SidecarIdentity()
        identity.podName = configuration.podName
        identity.clusterName = configuration.clusterName
        identity.namespace = configuration.namespace
        identity.sidecarVersion = Self.sidecarVersion
        identity.sessionID = UUID().uuidString.lowercased()
        return SatelliteLinkConfiguration(
            host: target.host, port: UInt16(target.port), security: security, token: token, identity: identity)
    }

    func satelliteLink(
        _ settings: SatelliteLinkConfiguration, statistics: SatelliteLinkStatistics, shell: SidecarShell,
        events: EventOutbox, configuration: SidecarConfiguration, levels: LogLevelSwitch
    ) -> SatelliteLink {
        let logger = Logger(label: "satellite-stream")
        let instance = LocalStreamInstance(
            settings: configuration.localPostgres, shell: shell, levels: levels, logger: logger)
        return SatelliteLink(
            configuration: settings,
            executor: CommandExecutor(
                instance: instance, cluster: configuration.clusterName, events: events, logger: logger),
            events: events,
            heartbeat: { await shell.statusReport().heartbeat(at: Google_Protobuf_Timestamp(date: Date())) },
            statistics: statistics, logger: logger)
    }
}
