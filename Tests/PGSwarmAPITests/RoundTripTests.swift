import GRPCInteropAPI
import PGSwarmAPI
import SwiftProtobuf
import Testing

@Suite("Generated protobuf messages")
struct RoundTripTests {
    static func sampleClusterConfig() -> Pgswarm_V1_ClusterConfig {
        var config = Pgswarm_V1_ClusterConfig()
        config.clusterName = "orders"
        config.namespace = "shop"
        config.replicas = 3
        config.configVersion = 42
        config.postgres.version = "16"
        config.postgres.image = "docker.io/library/postgres:16-alpine"
        config.storage.size = "10Gi"
        config.resources.memoryLimit = "1Gi"
        config.pgParams = ["work_mem": "8MB", "max_connections": "200"]
        var rule = Pgswarm_V1_HbaRule()
        rule.type = .host
        rule.databases = ["app"]
        rule.users = ["app_user"]
        rule.address = "10.0.0.0/8"
        rule.method = .scramSha256
        config.hbaRules = [rule]
        config.failover.enabled = true
        config.failover.leaseDurationSeconds = 15
        config.failover.renewDeadlineMs = 10_000
        config.failover.retryPeriodMs = 2_000
        config.failover.maximumLagOnFailoverBytes = 0
        config.failover.synchronousMode = .strict
        config.failover.failsafeMode = true
        var database = Pgswarm_V1_ClusterDatabase()
        database.dbName = "app"
        database.dbUser = "app_user"
        database.password = "s3cret"
        database.allowedCidrs = ["10.0.0.0/8"]
        config.databases = [database]
        var recoveryRule = Pgswarm_V1_RecoveryRule()
        recoveryRule.name = "wal-removed"
        recoveryRule.pattern = "requested WAL segment .* has already been removed"
        recoveryRule.severity = .critical
        recoveryRule.action = .rebuild
        recoveryRule.threshold = 2
        recoveryRule.windowSeconds = 60
        config.recoveryRules = [recoveryRule]
        return config
    }

    static func sampleHealthReport() -> Pgswarm_V1_ClusterHealthReport {
        var primary = Pgswarm_V1_InstanceHealth()
        primary.podName = "orders-0"
        primary.role = .primary
        primary.ready = true
        primary.timelineID = 3
        primary.currentWalLsn = 0x3_0000_0060
        primary.replicationLagBytes = 4_096
        primary.connectionsUsed = 12
        primary.connectionsMax = 200
        primary.diskUsedBytes = 1 << 33
        primary.walDiskBytes = 1 << 28
        primary.indexHitRatio = 0.995
        primary.pgStartTime = Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 0)
        var table = Pgswarm_V1_TableStat()
        table.databaseName = "app"
        table.schemaName = "public"
        table.tableName = "orders"
        table.liveTuples = 1_000
        table.lastAutovacuum = Google_Protobuf_Timestamp(seconds: 1_700_000_100, nanos: 500)
        primary.tableStats = [table]
        var database = Pgswarm_V1_DatabaseStat()
        database.databaseName = "app"
        database.sizeBytes = 1 << 30
        database.cacheHitRatio = 0.98
        primary.databaseStats = [database]
        var query = Pgswarm_V1_SlowQuery()
        query.query = "SELECT * FROM orders WHERE id = $1"
        query.calls = 10
        query.meanExecTimeMs = 250.5
        primary.slowQueries = [query]
        var replica = Pgswarm_V1_InstanceHealth()
        replica.podName = "orders-1"
        replica.role = .replica
        replica.ready = true
        replica.receivedLsn = 0x3_0000_0000
        replica.replayedLsn = 0x2_FFFF_0000
        replica.replicationLagSeconds = 0
        replica.walReceiverActive = true
        var report = Pgswarm_V1_ClusterHealthReport()
        report.clusterName = "orders"
        report.namespace = "shop"
        report.state = .running
        report.leaseHolder = "orders-0"
        report.instances = [primary, replica]
        report.timestamp = Google_Protobuf_Timestamp(seconds: 1_700_000_200, nanos: 0)
        return report
    }

    @Test("A cluster config survives binary and JSON encoding unchanged")
    func clusterConfigRoundTrip() throws {
        let config = Self.sampleClusterConfig()
        let bytes: [UInt8] = try config.serializedBytes()
        #expect(try Pgswarm_V1_ClusterConfig(serializedBytes: bytes) == config)
        let json = try config.jsonString()
        #expect(try Pgswarm_V1_ClusterConfig(jsonString: json) == config)
        #expect(json.contains("\"synchronousMode\":\"SYNCHRONOUS_MODE_STRICT\""))
    }

    @Test("An explicit zero maximum lag is distinguishable from an unset one")
    func optionalFieldPresence() throws {
        let config = Self.sampleClusterConfig()
        let decoded = try Pgswarm_V1_ClusterConfig(serializedBytes: try config.serializedBytes() as [UInt8])
        #expect(decoded.failover.hasMaximumLagOnFailoverBytes)
        #expect(!Pgswarm_V1_FailoverSpec().hasMaximumLagOnFailoverBytes)
    }

    @Test("A health report survives binary and JSON encoding unchanged")
    func healthReportRoundTrip() throws {
        let report = Self.sampleHealthReport()
        let bytes: [UInt8] = try report.serializedBytes()
        #expect(try Pgswarm_V1_ClusterHealthReport(serializedBytes: bytes) == report)
        let json = try report.jsonString()
        #expect(try Pgswarm_V1_ClusterHealthReport(jsonString: json) == report)
        let replica = try #require(report.instances.last)
        #expect(replica.hasReplicationLagSeconds && !replica.hasCurrentWalLsn)
    }

    @Test("Stream envelopes carry their payload and outbox sequence")
    func envelopeRoundTrip() throws {
        var message = Pgswarm_V1_SatelliteMessage()
        message.seq = 7
        var event = Pgswarm_V1_Event()
        event.id = "6f1c2d4e-0000-4000-8000-000000000001"
        event.type = .primaryPromoted
        event.severity = .warning
        event.data = ["previous_primary": "orders-0"]
        message.event = event
        let decoded = try Pgswarm_V1_SatelliteMessage(serializedBytes: try message.serializedBytes() as [UInt8])
        #expect(decoded.seq == 7)
        #expect(decoded.payload == .event(event))

        var central = Pgswarm_V1_CentralMessage()
        central.desiredStateVersion = 12
        central.desiredState.clusters = [Self.sampleClusterConfig()]
        let centralDecoded = try Pgswarm_V1_CentralMessage(
            serializedBytes: try central.serializedBytes() as [UInt8])
        #expect(centralDecoded == central)
    }

    @Test("Interop messages use the standard grpc.testing field numbers on the wire")
    func interopWireNumbers() throws {
        var request = Grpc_Testing_SimpleRequest()
        request.responseSize = 1
        request.fillUsername = true
        request.responseStatus.code = 2
        request.expectCompressed.value = true
        // Field 2 varint, field 4 varint, field 7 message {field 1 varint}, field 8 message {field 1}.
        #expect(
            try request.serializedBytes() == [0x10, 0x01, 0x20, 0x01, 0x3A, 0x02, 0x08, 0x02, 0x42, 0x02, 0x08, 0x01])

        var parameters = Grpc_Testing_ResponseParameters()
        parameters.size = 3
        parameters.intervalUs = 5
        parameters.compressed.value = true
        #expect(try parameters.serializedBytes() == [0x08, 0x03, 0x10, 0x05, 0x1A, 0x02, 0x08, 0x01])

        var health = Grpc_Health_V1_HealthCheckResponse()
        health.status = .serving
        #expect(try health.serializedBytes() == [0x08, 0x01])
    }
}
