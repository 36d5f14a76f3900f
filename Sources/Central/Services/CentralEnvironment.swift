public import Foundation
public import Logging

/// Everything central's services share. Built once by `CentralApp` (or a test).
public struct CentralEnvironment: Sendable {
    public var store: MetadataStore
    /// Encrypts cluster database passwords; nil when no key is configured (such requests are
    /// refused rather than stored unencrypted or dropped, as the Go original did).
    public var secrets: SecretBox?
    public var commands: any SatelliteCommandSink
    public var live: LiveUpdates
    public var logs: SatelliteLogs
    public var metrics: CentralMetrics
    public var heartbeats: HeartbeatRecorder
    public var random: any SecureRandom
    /// Wall clock for timestamps written to the API and the store.
    public var now: @Sendable () -> Date
    public var logger: Logger
    /// Version string of this central, shown to satellites.
    public var version: String
    /// Heartbeat period announced to satellites, in seconds.
    public var heartbeatIntervalSeconds: UInt32
    /// satellite_stream.proto's default heartbeat period.
    public static let defaultHeartbeatIntervalSeconds: UInt32 = 10

    public init(
        store: MetadataStore, secrets: SecretBox?, commands: any SatelliteCommandSink,
        live: LiveUpdates = LiveUpdates(),
        logs: SatelliteLogs = SatelliteLogs(), metrics: CentralMetrics = CentralMetrics(),
        random: any SecureRandom = SystemSecureRandom(), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger, version: String = "0.1.0",
        heartbeatIntervalSeconds: UInt32 = CentralEnvironment.defaultHeartbeatIntervalSeconds
    ) {
        self.store = store
        self.secrets = secrets
        self.commands = commands
        self.live = live
        self.logs = logs
        self.metrics = metrics
        self.heartbeats = HeartbeatRecorder(store: store)
        self.random = random
        self.now = now
        self.logger = logger
        self.version = version
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
    }
}

/// Stores events and announces them live. Best effort for central-originated events: a failed
/// insert is logged, never fails the operation that caused it.
public struct EventLog: Sendable {
    let environment: CentralEnvironment

    public init(environment: CentralEnvironment) { self.environment = environment }

    /// Stores the event (data scrubbed of secrets) once; true if it was new. A failure is
    /// logged, not thrown (for events central produces about something that already happened).
    @discardableResult
    public func record(_ event: NewEvent) async -> Bool {
        do {
            return try await store(event)
        } catch {
            environment.logger.error(
                "could not store event", metadata: ["event.type": "\(event.type)", "error": "\(error)"])
            return false
        }
    }

    /// Stores the event once; true if it was new, false for a known id. Throws when the store
    /// fails (a satellite's event is then not acknowledged, and resent).
    @discardableResult
    public func store(_ event: NewEvent) async throws -> Bool {
        var clean = event
        clean.data = SecretScrubber.scrub(event.data)
        clean.message = SecretScrubber.scrub(text: String(event.message.prefix(2000)))
        guard let stored = try await environment.store.insertEvent(clean) else { return false }
        environment.metrics.increment("pgswarm_events_ingested_total", labels: [stored.type])
        if stored.type == "primary.promoted" { environment.metrics.increment("pgswarm_failovers_total") }
        environment.live.publish("event.created", stored)
        return true
    }

    /// A central-originated event.
    public func central(
        _ type: String, _ severity: EventSeverity, satelliteID: UUID?, clusterName: String = "", namespace: String = "",
        message: String, data: [String: String] = [:], operationID: String = ""
    ) async {
        await record(
            NewEvent(
                type: type, severity: severity, satelliteID: satelliteID, clusterName: clusterName,
                namespace: namespace,
                message: message, data: data, origin: "central", source: "central", operationID: operationID,
                occurredAt: environment.now()))
    }
}
