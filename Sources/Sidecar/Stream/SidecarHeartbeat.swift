public import PGSwarmAPI
public import SwiftProtobuf

extension SidecarStatusReport {
    /// The heartbeat that tells the satellite this sidecar's view of its instance.
    public func heartbeat(at timestamp: Google_Protobuf_Timestamp) -> Pgswarm_V1_SidecarHeartbeat {
        var heartbeat = Pgswarm_V1_SidecarHeartbeat()
        heartbeat.timestamp = timestamp
        heartbeat.role = instanceRole
        heartbeat.holdsLease = holdsLease
        heartbeat.fenced = fenced
        heartbeat.timelineID = UInt32(clamping: timeline)
        heartbeat.postgresRunning = role == "primary" || role == "replica"
        return heartbeat
    }

    /// A primary without the lease is one the election is fencing and demoting.
    var instanceRole: Pgswarm_V1_InstanceRole {
        switch role {
        case "primary": holdsLease ? .primary : .failedPrimary
        case "replica": .replica
        default: .unspecified
        }
    }
}
