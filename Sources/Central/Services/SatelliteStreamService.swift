public import Foundation
import Logging
import Postgres
public import PGSwarmAPI
import SwiftProtobuf

/// What the gRPC `SatelliteStreamService.Connect` handler calls: open, receive (per message),
/// close. Each method returns the messages to send back on the stream. Handlers are idempotent,
/// so resent reliable messages (seq > 0) are harmless, and each reliable message is
/// acknowledged (`DeliveryAck`) only after its effect is stored.
public struct SatelliteStreamService: Sendable {
    let environment: CentralEnvironment
    let publisher: DesiredStatePublisher
    let switchovers: SwitchoverService
    let events: EventLog

    public init(environment: CentralEnvironment) {
        self.environment = environment
        publisher = DesiredStatePublisher(environment: environment)
        switchovers = SwitchoverService(environment: environment)
        events = EventLog(environment: environment)
    }

    var store: MetadataStore { environment.store }

    /// The stream's first message: marks the satellite connected and answers `CentralHello`,
    /// followed by a `DesiredState` snapshot when the satellite's version is stale.
    public func open(satellite: Satellite, hello: Pgswarm_V1_SatelliteHello) async throws -> [Pgswarm_V1_CentralMessage]
    {
        // The satellite may have been replaced or rejected since its token was checked.
        guard let current = try await store.setConnected(satellite.id, true, version: hello.satelliteVersion) else {
            throw RegistryError(.permissionDenied, "satellite is no longer approved")
        }
        environment.metrics.streamOpened()
        environment.live.publish("satellite.updated", current)
        await events.central(
            "satellite.connected", .info, satelliteID: satellite.id, message: "satellite connected",
            data: ["session_id": String(hello.sessionID.prefix(64))])
        var answer = Pgswarm_V1_CentralMessage()
        answer.hello.satelliteID = satellite.id.uuidString.lowercased()
        answer.hello.satelliteName = current.name ?? ""
        answer.hello.heartbeatIntervalSeconds = environment.heartbeatIntervalSeconds
        answer.hello.centralTime = Google_Protobuf_Timestamp(date: environment.now())
        answer.hello.centralVersion = environment.version
        var messages = [answer]
        if hello.desiredState.desiredStateVersion != current.desiredStateVersion {
            messages.append(try await publisher.snapshot(for: satellite.id))
        }
        return messages
    }

    /// The stream ended (either side, or an error).
    public func close(satelliteID: UUID, reason: String) async {
        environment.metrics.streamClosed()
        do {
            if let satellite = try await store.setConnected(satelliteID, false) {
                environment.live.publish("satellite.updated", satellite)
            }
        } catch {
            environment.logger.error("could not record a disconnect", metadata: ["satellite.id": "\(satelliteID)"])
        }
        await events.central(
            "satellite.disconnected", .warning, satelliteID: satelliteID, message: "satellite disconnected",
            data: ["reason": String(reason.prefix(200))])
    }

    /// One message from the satellite (not the hello).
    public func receive(_ message: Pgswarm_V1_SatelliteMessage, from satelliteID: UUID) async throws
        -> [Pgswarm_V1_CentralMessage]
    {
        var replies: [Pgswarm_V1_CentralMessage] = []
        switch message.payload {
        case .hello?:
            throw RegistryError(.invalidArgument, "hello is only allowed as the first message")
        case .heartbeat(let heartbeat)?:
            replies.append(await onHeartbeat(heartbeat, from: satelliteID))
        case .healthReport(let report)?:
            try await onHealthReport(report, from: satelliteID)
        case .event(let event)?:
            try await onEvent(event, from: satelliteID)
        case .configAck(let ack)?:
            try await onConfigAck(ack, from: satelliteID)
        case .storageClassReport(let report)?:
            try await onStorageClasses(report, from: satelliteID)
        case .switchoverProgress(let progress)?:
            try await switchovers.onProgress(progress, satelliteID: satelliteID)
        case .switchoverResult(let result)?:
            try await switchovers.onResult(result, satelliteID: satelliteID)
        case .logEntry(let entry)?:
            onLogEntry(entry, from: satelliteID)
        case .databaseStatus(let status)?:
            try await onDatabaseStatus(status, from: satelliteID)
        case .deleteClusterResult(let result)?:
            try await onDeleteClusterResult(result, from: satelliteID)
        case nil:
            break
        }
        if message.seq > 0 {
            var ack = Pgswarm_V1_CentralMessage()
            ack.deliveryAck.ackedThroughSeq = message.seq
            replies.append(ack)
        }
        return replies
    }

    public func onHeartbeat(_ heartbeat: Pgswarm_V1_Heartbeat, from satelliteID: UUID) async
        -> Pgswarm_V1_CentralMessage
    {
        let now = environment.now()
        await environment.heartbeats.record(satelliteID, at: now)
        var ack = Pgswarm_V1_CentralMessage()
        ack.heartbeatAck.timestamp = heartbeat.timestamp
        ack.heartbeatAck.centralTime = Google_Protobuf_Timestamp(date: now)
        return ack
    }

    public func onHealthReport(_ report: Pgswarm_V1_ClusterHealthReport, from satelliteID: UUID) async throws {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let instances = try report.instances.map { try $0.jsonString(options: options) }
        let namespace = report.namespace.isEmpty ? "default" : report.namespace
        let observed = ProtoNames.clusterState(report.state)
        if let cluster = try await store.recordHealthReport(
            satelliteID: satelliteID, namespace: namespace, clusterName: report.clusterName,
            state: observed?.rawValue ?? "unknown", observedState: observed, leaseHolder: report.leaseHolder,
            appliedConfigVersion: report.appliedConfigVersion,
            instances: .init(text: "[" + instances.joined(separator: ",") + "]"),
            reportedAt: report.hasTimestamp ? report.timestamp.date : environment.now())
        {
            environment.live.publish("cluster.updated", cluster)
        }
        // Reading the stored row back is only worth it for someone watching live.
        guard environment.live.subscriberCount > 0 else { return }
        if let health = try await store.health(satelliteID: satelliteID).first(where: {
            $0.namespace == namespace && $0.clusterName == report.clusterName
        }) {
            environment.live.publish("health.updated", health)
        }
    }

    /// Stores the event once per id; throws when it could not be stored, so it is not acknowledged.
    public func onEvent(_ event: Pgswarm_V1_Event, from satelliteID: UUID) async throws {
        let data = event.data.reduce(into: [String: String]()) {
            $0[String($1.key.prefix(64))] = String($1.value.prefix(1024))
        }
        try await events.store(
            NewEvent(
                id: UUID(uuidString: event.id) ?? UUID(), type: ProtoNames.eventType(event.type),
                severity: ProtoNames.severity(event.severity), satelliteID: satelliteID,
                clusterName: String(event.clusterName.prefix(63)), namespace: String(event.namespace.prefix(63)),
                podName: String(event.podName.prefix(253)), message: event.message, data: data,
                origin: ProtoNames.snake(event.origin), source: String(event.source.prefix(64)),
                operationID: String(event.operationID.prefix(64)),
                occurredAt: event.hasTimestamp ? event.timestamp.date : environment.now()))
    }

    public func onConfigAck(_ ack: Pgswarm_V1_ConfigAck, from satelliteID: UUID) async throws {
        let namespace = ack.namespace.isEmpty ? "default" : ack.namespace
        let cluster = try await store.recordConfigAck(
            satelliteID: satelliteID, namespace: namespace, name: ack.clusterName, version: ack.configVersion,
            success: ack.success, error: SecretScrubber.scrub(text: String(ack.errorMessage.prefix(2000))))
        environment.metrics.increment("pgswarm_config_acks_total", labels: [ack.success ? "applied" : "rejected"])
        if let cluster { environment.live.publish("cluster.updated", cluster) }
    }

    public func onStorageClasses(_ report: Pgswarm_V1_StorageClassReport, from satelliteID: UUID) async throws {
        let classes = report.storageClasses.prefix(200).map {
            StorageClassInfo(
                name: $0.name, provisioner: $0.provisioner, reclaimPolicy: $0.reclaimPolicy,
                volumeBindingMode: $0.volumeBindingMode, isDefault: $0.isDefault,
                allowVolumeExpansion: $0.allowVolumeExpansion)
        }
        if let satellite = try await store.setStorageClasses(satelliteID, Array(classes)) {
            environment.live.publish("satellite.updated", satellite)
        }
    }

    public func onLogEntry(_ entry: Pgswarm_V1_LogEntry, from satelliteID: UUID) {
        environment.logs.append(
            LogRecord(
                level: ProtoNames.logLevel(entry.level), message: entry.message,
                fields: entry.fields.reduce(into: [:]) {
                    $0[String($1.key.prefix(64))] = String($1.value.prefix(1024))
                },
                timestamp: entry.hasTimestamp ? entry.timestamp.date : environment.now(),
                logger: String(entry.logger.prefix(128)), origin: ProtoNames.snake(entry.origin),
                podName: String(entry.podName.prefix(253))),
            satelliteID: satelliteID)
    }

    public func onDatabaseStatus(_ report: Pgswarm_V1_DatabaseStatusReport, from satelliteID: UUID) async throws {
        let status: String
        switch report.status {
        case .created: status = "created"
        case .failed: status = "failed"
        case .pending, .unspecified, .UNRECOGNIZED: status = "pending"
        }
        try await store.setDatabaseStatus(
            satelliteID: satelliteID, namespace: report.namespace.isEmpty ? "default" : report.namespace,
            clusterName: report.clusterName, dbName: report.dbName, status: status,
            error: SecretScrubber.scrub(text: String(report.errorMessage.prefix(2000))))
    }

    public func onDeleteClusterResult(_ result: Pgswarm_V1_DeleteClusterResult, from satelliteID: UUID) async throws {
        let namespace = result.namespace.isEmpty ? "default" : result.namespace
        if result.success {
            if let id = try await store.removeDeletedCluster(
                satelliteID: satelliteID, namespace: namespace, name: result.clusterName)
            {
                environment.live.publish("cluster.deleted", DeletedEntity(id: id.uuidString.lowercased()))
            }
        } else {
            await events.central(
                "cluster.delete_failed", .error, satelliteID: satelliteID, clusterName: result.clusterName,
                namespace: namespace, message: "deleting the cluster failed: \(result.errorMessage.prefix(500))")
        }
    }
}
