import Central
import Foundation
import PGSwarmAPI
import Testing

private let spec17 =
    #"{"replicas": 2, "postgres": {"version": "17"}, "storage": {"size": "1Gi"}, "pg_params": {"work_mem": "4MB"}}"#

@Suite("REST API end to end (in-process)")
struct RESTScenarioTests {
    @Test("every route refuses a missing or wrong bearer token with 401 and a JSON error")
    func everyRouteNeedsAToken() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        #expect(central.responder.routes.count >= 60)
        for route in central.responder.routes {
            let path = route.template.replacingOccurrences(of: "{name}", with: "work_mem")
                .replacingOccurrences(of: "{version}", with: "1")
                .replacingOccurrences(
                    of: #"\{[a-z_]+\}"#, with: UUID().uuidString, options: .regularExpression)
            for token: String? in [nil, "pgs_wrong", central.adminToken + "x"] {
                let response = await central.call(route.method, path, json: "{}", token: .some(token))
                #expect(response.status == 401, "\(route.method) \(route.template) answered \(response.status)")
                #expect(response.string("code") == "unauthorized")
            }
        }
        let revoked = await central.call("POST", "/api/v1/tokens", json: #"{"name": "ci"}"#)
        let secret = revoked.string("secret")!
        #expect(await central.call("GET", "/api/v1/satellites", token: .some(secret)).status == 200)
        let id = (revoked.object["token"] as? [String: Any])?["id"] as? String
        #expect(await central.call("DELETE", "/api/v1/tokens/\(id!)").status == 200)
        #expect(await central.call("GET", "/api/v1/satellites", token: .some(secret)).status == 401)
    }

    @Test("a scenario reaches every route successfully")
    func everyRouteWorks() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        func ok(_ method: String, _ path: String, _ json: String? = nil, _ status: Int? = nil) async -> TestResponse {
            let response = await central.call(method, path, json: json)
            #expect(response.status < 400, "\(method) \(path): \(response.status) \(response.text)")
            if let status { #expect(response.status == status, "\(method) \(path)") }
            return response
        }
        _ = await ok("GET", "/api/v1/openapi.json")
        // Satellites
        let (eu1, _) = try await central.approvedSatellite("eu-1", labels: ["region": "eu"])
        let (eu2, _) = try await central.approvedSatellite("eu-2", labels: ["region": "eu"])
        let (us1, _) = try await central.approvedSatellite("us-1", labels: ["region": "us"])
        let (pending, _) = try await central.registerSatellite(cluster: "stray")
        _ = await ok("POST", "/api/v1/satellites/\(pending)/reject")
        _ = await ok("GET", "/api/v1/satellites")
        _ = await ok("GET", "/api/v1/satellites/\(eu1)")
        _ = await ok("PUT", "/api/v1/satellites/\(us1)/tier-mappings", #"{"tier_mappings": {"default": "standard"}}"#)
        for id in [eu1, eu2, us1] { await central.commands.markConnected(id) }
        _ = await ok("POST", "/api/v1/satellites/\(eu1)/refresh-storage-classes", nil, 202)
        var entry = Pgswarm_V1_LogEntry()
        entry.level = .info
        entry.message = "reconciled"
        central.streams.onLogEntry(entry, from: eu1)
        let logs = await ok("GET", "/api/v1/satellites/\(eu1)/logs?limit=10&level=info")
        #expect(logs.array.count == 1)
        _ = await ok("GET", "/api/v1/satellites/\(eu1)/logs/stream")
        _ = await ok("POST", "/api/v1/satellites/\(eu1)/log-level", #"{"level": "debug", "target": "all"}"#, 202)
        // Profiles
        _ = await ok("GET", "/api/v1/profiles")
        let profile = await ok("POST", "/api/v1/profiles", #"{"name": "small", "spec": \#(spec17)}"#, 201)
        let profileID = profile.string("id")!
        _ = await ok("GET", "/api/v1/profiles/\(profileID)")
        // Rules: region=eu creates clusters on the two eu satellites and none on us-1.
        let rule = await ok(
            "POST", "/api/v1/deployment-rules",
            #"{"name": "eu-orders", "profile_id": "\#(profileID)", "label_selector": {"region": "eu"}, "cluster_name": "orders"}"#,
            201)
        let ruleID = rule.string("id")!
        let ruleClusters = await ok("GET", "/api/v1/deployment-rules/\(ruleID)/clusters")
        #expect(
            Set(ruleClusters.array.compactMap { ($0["satellite_id"] as? String)?.lowercased() })
                == Set([eu1, eu2].map { $0.uuidString.lowercased() }))
        _ = await ok("GET", "/api/v1/deployment-rules")
        _ = await ok("GET", "/api/v1/deployment-rules/\(ruleID)")
        _ = await ok(
            "PUT", "/api/v1/deployment-rules/\(ruleID)",
            #"{"name": "eu-orders", "profile_id": "\#(profileID)", "label_selector": {"region": "eu"}, "namespace": "default", "cluster_name": "orders"}"#
        )
        // Relabelling eu-2 pauses its rule cluster; relabelling back resumes it.
        _ = await ok("PUT", "/api/v1/satellites/\(eu2)/labels", #"{"labels": {"region": "apac"}}"#)
        let eu2Cluster = try await central.store.clusters(satelliteID: eu2).first!
        #expect(eu2Cluster.paused && eu2Cluster.pausedReason == .selectorMismatch)
        _ = await ok("PUT", "/api/v1/satellites/\(eu2)/labels", #"{"labels": {"region": "eu"}}"#)
        #expect(try await central.store.cluster(eu2Cluster.id)?.paused == false)
        // Profile changes: saved as a version, applied only with confirmation.
        let updated = await ok(
            "PUT", "/api/v1/profiles/\(profileID)",
            #"{"name": "small", "spec": {"replicas": 2, "postgres": {"version": "17"}, "storage": {"size": "1Gi"}, "pg_params": {"work_mem": "8MB", "shared_buffers": "256MB"}}}"#
        )
        let impact = (updated.object["change_impact"] as? [String: Any])?["impact"] as? [String: Any]
        #expect(impact?["apply_strategy"] as? String == "sequential_restart")
        _ = await ok("GET", "/api/v1/profiles/\(profileID)/versions")
        _ = await ok("GET", "/api/v1/profiles/\(profileID)/versions/1")
        let eu1Cluster = try await central.store.clusters(satelliteID: eu1).first!
        let diff = await ok("GET", "/api/v1/clusters/\(eu1Cluster.id)/profile-diff")
        #expect((diff.object["impact"] as? [String: Any])?["apply_strategy"] as? String == "sequential_restart")
        #expect(await central.call("POST", "/api/v1/clusters/\(eu1Cluster.id)/apply", json: "{}").status == 422)
        _ = await ok("POST", "/api/v1/clusters/\(eu1Cluster.id)/apply", #"{"confirmed": true}"#)
        #expect(try await central.store.cluster(eu1Cluster.id)?.spec.pgParams["work_mem"] == "8MB")
        _ = await ok("POST", "/api/v1/profiles/\(profileID)/apply", #"{"confirmed": true}"#)
        _ = await ok("POST", "/api/v1/profiles/\(profileID)/revert", #"{"target_version": 1}"#)
        let clone = await ok("POST", "/api/v1/profiles/\(profileID)/clone", #"{"name": "small copy"}"#, 201)
        _ = await ok("GET", "/api/v1/profiles/\(profileID)/cascade-preview")
        // Clusters
        _ = await ok("GET", "/api/v1/clusters")
        let manual = await ok(
            "POST", "/api/v1/clusters",
            #"{"name": "billing", "namespace": "apps", "satellite_id": "\#(us1)", "spec": {"postgres": {"version": "16", "variant": "debian"}, "storage": {"size": "2Gi", "storage_class": "tier:default"}}}"#,
            201)
        let clusterID = manual.string("id")!
        #expect(
            (manual.object["spec"] as? [String: Any]).flatMap {
                ($0["storage"] as? [String: Any])?["storage_class"] as? String
            } == "standard")
        _ = await ok("GET", "/api/v1/clusters/\(clusterID)")
        _ = await ok(
            "PUT", "/api/v1/clusters/\(clusterID)",
            #"{"spec": {"replicas": 3, "postgres": {"version": "16", "variant": "debian"}, "storage": {"size": "2Gi", "storage_class": "standard"}}}"#
        )
        _ = await ok("POST", "/api/v1/clusters/\(clusterID)/pause")
        _ = await ok("POST", "/api/v1/clusters/\(clusterID)/resume")
        // Databases
        let database = await ok(
            "POST", "/api/v1/clusters/\(clusterID)/databases",
            #"{"db_name": "billing", "db_user": "billing_app", "password": "correct horse battery", "allowed_cidrs": ["10.0.0.0/8"]}"#,
            201)
        let databaseID = database.string("id")!
        _ = await ok("GET", "/api/v1/clusters/\(clusterID)/databases")
        _ = await ok(
            "PUT", "/api/v1/clusters/\(clusterID)/databases/\(databaseID)", #"{"password": "another long secret"}"#)
        let config = (await central.commands.messages(to: us1)).last { $0.clusterConfig.clusterName == "billing" }
        #expect(config?.clusterConfig.databases.first?.password == "another long secret")
        _ = await ok("DELETE", "/api/v1/clusters/\(clusterID)/databases/\(databaseID)", nil, 204)
        // Switchover with persisted progress
        let switchover = await ok("POST", "/api/v1/clusters/\(clusterID)/switchover", #"{"interactive": true}"#, 202)
        let operationID = switchover.string("id")!
        var progress = Pgswarm_V1_SwitchoverProgress()
        progress.operationID = operationID.lowercased()
        progress.step = .checkpoint
        progress.status = .waitingForConfirmation
        try await SwitchoverService(environment: central.environment).onProgress(progress, satelliteID: us1)
        _ = await ok(
            "POST", "/api/v1/clusters/\(clusterID)/switchover/continue", #"{"operation_id": "\#(operationID)"}"#, 202)
        let decision = (await central.commands.messages(to: us1)).last?.switchoverDecision
        #expect(decision?.step == .checkpoint && decision?.decision == .continue)
        _ = await ok(
            "POST", "/api/v1/clusters/\(clusterID)/switchover/abort", #"{"operation_id": "\#(operationID)"}"#, 202)
        _ = await ok("GET", "/api/v1/clusters/\(clusterID)/switchovers")
        let operation = await ok("GET", "/api/v1/clusters/\(clusterID)/switchovers/\(operationID)")
        #expect(operation.string("status") == "waiting_for_confirmation")
        // Catalog
        _ = await ok("GET", "/api/v1/pg-parameters")
        _ = await ok(
            "PUT", "/api/v1/pg-parameters/my_ext.setting",
            #"{"restart_mode": "sequential_restart", "pg_context": "postmaster"}"#)
        _ = await ok("DELETE", "/api/v1/pg-parameters/my_ext.setting", nil, 204)
        _ = await ok("GET", "/api/v1/postgres-variants")
        let variant = await ok("POST", "/api/v1/postgres-variants", #"{"name": "ubi"}"#, 201)
        _ = await ok("GET", "/api/v1/postgres-versions")
        let version = await ok(
            "POST", "/api/v1/postgres-versions", #"{"version": "15", "variant": "ubi", "image_tag": "15.8-ubi9"}"#, 201)
        let versionID = version.string("id")!
        _ = await ok(
            "PUT", "/api/v1/postgres-versions/\(versionID)",
            #"{"version": "15", "variant": "ubi", "image_tag": "15.9-ubi9"}"#)
        _ = await ok("POST", "/api/v1/postgres-versions/\(versionID)/default")
        _ = await ok("DELETE", "/api/v1/postgres-versions/\(versionID)", nil, 204)
        _ = await ok("DELETE", "/api/v1/postgres-variants/\(variant.string("id")!)", nil, 204)
        _ = await ok("GET", "/api/v1/storage-tiers")
        let tier = await ok("POST", "/api/v1/storage-tiers", #"{"name": "fast", "description": "NVMe"}"#, 201)
        _ = await ok(
            "PUT", "/api/v1/storage-tiers/\(tier.string("id")!)", #"{"name": "fast", "description": "local NVMe"}"#)
        _ = await ok("DELETE", "/api/v1/storage-tiers/\(tier.string("id")!)", nil, 204)
        // Observation, tokens, live
        _ = await ok("GET", "/api/v1/health")
        _ = await ok("GET", "/api/v1/events?severity=info&limit=5")
        _ = await ok("GET", "/api/v1/tokens")
        let token = await ok("POST", "/api/v1/tokens", #"{"name": "dashboard"}"#, 201)
        _ = await ok("DELETE", "/api/v1/tokens/\((token.object["token"] as? [String: Any])?["id"] as! String)")
        _ = await ok("GET", "/api/v1/live")
        // Deletions
        _ = await ok("DELETE", "/api/v1/clusters/\(clusterID)?retain_volumes=true", nil, 202)
        #expect(await central.call("DELETE", "/api/v1/deployment-rules/\(ruleID)").status == 409)
        for cluster in try await central.store.clusters(ruleID: UUID(uuidString: ruleID)!) {
            _ = await ok("DELETE", "/api/v1/clusters/\(cluster.id)", nil, 202)
            var result = Pgswarm_V1_SatelliteMessage()
            result.deleteClusterResult.clusterName = cluster.name
            result.deleteClusterResult.namespace = cluster.namespace
            result.deleteClusterResult.success = true
            _ = try await central.streams.receive(result, from: cluster.satelliteID)
        }
        _ = await ok("DELETE", "/api/v1/deployment-rules/\(ruleID)", nil, 204)
        _ = await ok("DELETE", "/api/v1/profiles/\(clone.string("id")!)", nil, 204)
        _ = await ok("DELETE", "/api/v1/profiles/\(profileID)?cascade=true", nil, 204)

        let reached = await central.covered.templates
        let all = Set(central.responder.routes.map { "\($0.method) \($0.template)" })
        #expect(
            all.subtracting(reached).isEmpty, "routes without a successful call: \(all.subtracting(reached).sorted())")
    }
}
