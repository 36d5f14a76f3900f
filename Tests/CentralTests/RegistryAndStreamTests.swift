import Central
import Foundation
import PGSwarmAPI
import Testing

@Suite("Satellite registry and stream handlers")
struct RegistryAndStreamTests {
    @Test("register is idempotent per token, a pending satellite can register again, and approval never mints a token")
    func registration() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        let (id, token) = try await central.registerSatellite(cluster: "edge-1")
        var again = Pgswarm_V1_RegisterRequest()
        again.k8SClusterName = "edge-1"
        again.authTokenSha256 = Data(Digest.sha256(token))
        #expect(try await central.registry.register(again).satelliteID == id.uuidString.lowercased())
        // A restarted satellite with a new token while pending: a second pending registration, no loop.
        let (second, _) = try await central.registerSatellite(cluster: "edge-1")
        #expect(second != id)

        var check = Pgswarm_V1_CheckApprovalRequest()
        check.satelliteID = id.uuidString
        check.authToken = token
        #expect(try await central.registry.checkApproval(check).approved == false)
        check.authToken = "wrong"
        await #expect(throws: RegistryError(.unauthenticated, "token does not match")) {
            try await central.registry.checkApproval(check)
        }
        let approval = await central.call("POST", "/api/v1/satellites/\(id)/approve", json: #"{"name": "edge one"}"#)
        #expect(approval.status == 200)
        #expect(!approval.text.contains(token))
        #expect(!approval.text.contains(Digest.sha256(token).hexString))
        check.authToken = token
        for _ in 0..<3 {
            let answer = try await central.registry.checkApproval(check)
            #expect(answer.approved && answer.satelliteName == "edge one" && answer.state == .approved)
        }
        #expect(try await central.registry.authenticateStream(authorization: "Bearer \(token)").id == id)
        await #expect(throws: RegistryError.self) {
            try await central.registry.authenticateStream(authorization: "Bearer nope")
        }
        // The pending twin cannot be approved as a second active satellite of the same cluster.
        let conflict = await central.call(
            "POST", "/api/v1/satellites/\(second)/approve", json: #"{"name": "edge two"}"#)
        #expect(conflict.status == 409)
    }

    @Test("rejected satellites are refused; replace revokes the old token and moves its clusters")
    func rejectAndReplace() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        let (rejected, rejectedToken) = try await central.registerSatellite(cluster: "edge-r")
        #expect(await central.call("POST", "/api/v1/satellites/\(rejected)/reject").status == 200)
        var request = Pgswarm_V1_RegisterRequest()
        request.k8SClusterName = "edge-r"
        request.authTokenSha256 = Data(Digest.sha256(rejectedToken))
        await #expect(throws: RegistryError.self) { try await central.registry.register(request) }

        let (old, oldToken) = try await central.approvedSatellite("edge-x")
        let created = await central.call(
            "POST", "/api/v1/clusters",
            json:
                #"{"name": "orders", "satellite_id": "\#(old)", "spec": {"postgres": {"version": "17"}, "storage": {"size": "1Gi"}}}"#
        )
        #expect(created.status == 201)
        let (new, _) = try await central.registerSatellite(cluster: "edge-x")
        let replaced = await central.call(
            "POST", "/api/v1/satellites/\(new)/approve", json: #"{"name": "edge-x rebuilt", "replace": true}"#)
        #expect(replaced.status == 200)
        #expect(replaced.string("replaced_satellite_id")?.lowercased() == old.uuidString.lowercased())
        await #expect(throws: RegistryError(.permissionDenied, "satellite is replaced")) {
            try await central.registry.authenticateStream(authorization: "Bearer \(oldToken)")
        }
        #expect(try await central.store.clusters(satelliteID: new).count == 1)
    }

    @Test("a stream: hello gets a snapshot, heartbeats move last_heartbeat, health, acks and deletions are recorded")
    func stream() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        let (id, token) = try await central.approvedSatellite("edge-s")
        let satellite = try await central.registry.authenticateStream(authorization: "Bearer \(token)")
        await central.commands.markConnected(id)
        let created = await central.call(
            "POST", "/api/v1/clusters",
            json:
                #"{"name": "orders", "satellite_id": "\#(id)", "spec": {"postgres": {"version": "17"}, "storage": {"size": "1Gi"}}}"#
        )
        let clusterID = created.string("id")!
        // The live push carried the config with its version.
        let pushed = await central.commands.messages(to: id)
        #expect(pushed.last?.clusterConfig.clusterName == "orders")
        #expect(pushed.last?.clusterConfig.postgres.image == "postgres:17.9-alpine3.23")

        var hello = Pgswarm_V1_SatelliteHello()
        hello.desiredState.desiredStateVersion = 0
        let opening = try await central.streams.open(satellite: satellite, hello: hello)
        #expect(opening.first?.hello.satelliteID == id.uuidString.lowercased())
        #expect(opening.count == 2 && opening[1].desiredState.clusters.map(\.clusterName) == ["orders"])

        var heartbeat = Pgswarm_V1_SatelliteMessage()
        heartbeat.heartbeat = Pgswarm_V1_Heartbeat()
        let replies = try await central.streams.receive(heartbeat, from: id)
        #expect(replies.count == 1)
        try await central.environment.heartbeats.flush()
        #expect(try await central.store.satellite(id)?.lastHeartbeat != nil)

        var health = Pgswarm_V1_SatelliteMessage()
        health.healthReport.clusterName = "orders"
        health.healthReport.namespace = "default"
        health.healthReport.state = .running
        var instance = Pgswarm_V1_InstanceHealth()
        instance.podName = "orders-0"
        instance.role = .primary
        instance.connectionsUsed = 7
        health.healthReport.instances = [instance]
        _ = try await central.streams.receive(health, from: id)
        let healthView = await central.call("GET", "/api/v1/health")
        #expect(healthView.array.first?["cluster_name"] as? String == "orders")
        #expect((healthView.array.first?["cluster_id"] as? String)?.lowercased() == clusterID.lowercased())
        #expect(try await central.store.cluster(UUID(uuidString: clusterID)!)?.state == .running)

        var ack = Pgswarm_V1_SatelliteMessage()
        ack.seq = 4
        ack.configAck.clusterName = "orders"
        ack.configAck.namespace = "default"
        ack.configAck.configVersion = 1
        ack.configAck.success = true
        let ackReplies = try await central.streams.receive(ack, from: id)
        #expect(ackReplies.last?.deliveryAck.ackedThroughSeq == 4)
        #expect(try await central.store.cluster(UUID(uuidString: clusterID)!)?.appliedConfigVersion == 1)

        var event = Pgswarm_V1_SatelliteMessage()
        event.seq = 5
        event.event.id = UUID().uuidString.lowercased()
        event.event.type = .primaryPromoted
        event.event.severity = .warning
        event.event.clusterName = "orders"
        event.event.data = ["previous_primary": "orders-0", "replication_password": "hunter2"]
        _ = try await central.streams.receive(event, from: id)
        _ = try await central.streams.receive(event, from: id)
        let events = await central.call("GET", "/api/v1/events?type=primary.promoted")
        let stored = events.object["events"] as? [[String: Any]] ?? []
        #expect(stored.count == 1)
        #expect(!events.text.contains("hunter2"))

        #expect(await central.call("DELETE", "/api/v1/clusters/\(clusterID)").status == 202)
        #expect((await central.commands.messages(to: id)).last?.deleteCluster.clusterName == "orders")
        var deleted = Pgswarm_V1_SatelliteMessage()
        deleted.seq = 6
        deleted.deleteClusterResult.clusterName = "orders"
        deleted.deleteClusterResult.namespace = "default"
        deleted.deleteClusterResult.success = true
        _ = try await central.streams.receive(deleted, from: id)
        #expect(await central.call("GET", "/api/v1/clusters/\(clusterID)").status == 404)
        await central.streams.close(satelliteID: id, reason: "test")
        #expect(try await central.store.satellite(id)?.state == .disconnected)
    }
}
