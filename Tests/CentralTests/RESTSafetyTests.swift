import Central
import Foundation
import HTTP1
import Logging
import PGSwarmAPI
import Postgres
import Testing
import Transport

@Suite("REST safety: bad input, secrets, live updates, limits")
struct RESTSafetyTests {
    @Test("malformed JSON, wrong types, hostile names and invalid selectors get clear 4xx and store nothing")
    func badInput() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        let (satellite, _) = try await central.approvedSatellite("edge-b", labels: ["region": "eu"])
        let profiles = try await central.store.profiles().count
        let cases: [(String, String, String, Int)] = [
            ("POST", "/api/v1/profiles", "{not json", 400),
            ("POST", "/api/v1/profiles", "[]", 400),
            ("POST", "/api/v1/profiles", #"{"name": 5, "spec": {}}"#, 400),
            (
                "POST", "/api/v1/profiles",
                #"{"name": "x'; DROP TABLE profiles; --", "spec": {"postgres": {"version": "17"}, "storage": {"size": "1Gi"}}}"#,
                422
            ),
            (
                "POST", "/api/v1/profiles",
                #"{"name": "ok", "spec": {"postgres": {"version": "17;"}, "storage": {"size": "1Gi"}}}"#, 422
            ),
            (
                "POST", "/api/v1/deployment-rules",
                #"{"name": "r", "profile_id": "c0000000-0000-0000-0000-000000000001", "label_selector": {"region;": "eu"}, "cluster_name": "a"}"#,
                422
            ),
            (
                "POST", "/api/v1/deployment-rules",
                #"{"name": "r", "profile_id": "c0000000-0000-0000-0000-000000000001", "label_selector": {}, "cluster_name": "a"}"#,
                422
            ),
            (
                "POST", "/api/v1/deployment-rules",
                #"{"name": "r", "profile_id": "c0000000-0000-0000-0000-000000000001", "label_selector": {"region": "eu"}, "cluster_name": "a\"b"}"#,
                422
            ),
            (
                "POST", "/api/v1/clusters",
                #"{"name": "Bad;Name", "satellite_id": "\#(satellite)", "spec": {"postgres": {"version": "17"}, "storage": {"size": "1Gi"}}}"#,
                422
            ),
            ("POST", "/api/v1/clusters", #"{"name": "ok", "satellite_id": "not-a-uuid"}"#, 400),
            ("PUT", "/api/v1/satellites/\(satellite)/labels", #"{"labels": {"a b": "c"}}"#, 422),
            ("POST", "/api/v1/storage-tiers", #"{"name": "tier'; --"}"#, 422),
        ]
        for (method, path, body, status) in cases {
            let response = await central.call(method, path, json: body)
            #expect(response.status == status, "\(method) \(path) \(body): \(response.status) \(response.text)")
            #expect(response.string("error")?.isEmpty == false)
            #expect(response.string("request_id") != nil)
        }
        let wrongType = await central.call(
            "POST", "/api/v1/profiles", json: #"{"name": "x", "spec": {}}"#, headers: [("Content-Type", "text/plain")])
        #expect(wrongType.status == 415 || wrongType.status == 400)
        #expect(try await central.store.profiles().count == profiles)
        #expect(try await central.store.deploymentRules().isEmpty)
        #expect(try await central.store.clusters().isEmpty)
        #expect(try await central.store.storageTiers().count == 3)
        #expect(try await central.store.satellite(satellite)?.labels == ["region": "eu"])
        #expect(await central.call("GET", "/api/v1/nothing-here").status == 404)
        #expect(await central.call("PATCH", "/api/v1/satellites").status == 405)
    }

    @Test("a planted database password never appears in a response, a log line, an event or the live stream")
    func noSecretLeaks() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        let planted = "Pl4nted-S3cret-\(UInt32.random(in: 0...UInt32.max))"
        let (live, frames) = central.environment.live.subscribe()
        defer { central.environment.live.unsubscribe(live) }
        let (satellite, _) = try await central.approvedSatellite("edge-secret")
        let cluster = await central.call(
            "POST", "/api/v1/clusters",
            json:
                #"{"name": "vault", "satellite_id": "\#(satellite)", "spec": {"postgres": {"version": "17"}, "storage": {"size": "1Gi"}}}"#
        )
        let clusterID = cluster.string("id")!
        var responses: [String] = []
        let created = await central.call(
            "POST", "/api/v1/clusters/\(clusterID)/databases",
            json: #"{"db_name": "vault", "db_user": "vault_app", "password": "\#(planted)"}"#)
        #expect(created.status == 201)
        responses.append(created.text)
        for path in [
            "/api/v1/clusters/\(clusterID)/databases", "/api/v1/clusters/\(clusterID)", "/api/v1/clusters",
            "/api/v1/events", "/api/v1/satellites",
        ] {
            responses.append(await central.call("GET", path).text)
        }
        // A satellite that (wrongly) reports the password in an event and a log line.
        var event = Pgswarm_V1_SatelliteMessage()
        event.seq = 1
        event.event.id = UUID().uuidString
        event.event.type = .databaseCreateFailed
        event.event.message = "create role failed: password=\(planted)"
        event.event.data = ["password": planted]
        _ = try await central.streams.receive(event, from: satellite)
        var log = Pgswarm_V1_LogEntry()
        log.message = "connecting with password \(planted)"
        log.fields = ["db_password": planted]
        central.streams.onLogEntry(log, from: satellite)
        responses.append(await central.call("GET", "/api/v1/events").text)
        responses.append(await central.call("GET", "/api/v1/satellites/\(satellite)/logs").text)
        // The stored value is ciphertext.
        let stored = try await central.store.pool.query("SELECT password_sealed FROM cluster_databases").rows
        let sealed = try stored[0].decode([UInt8].self, "password_sealed")
        #expect(!String(decoding: sealed, as: UTF8.self).contains(planted))
        central.environment.live.unsubscribe(live)
        var liveText = ""
        for await frame in frames { liveText += String(decoding: frame, as: UTF8.self) }
        #expect(liveText.contains("cluster.updated"))
        for text in responses + central.logs.all + [liveText] {
            #expect(!text.contains(planted), "secret leaked into: \(text.prefix(300))")
        }
        // ...while the satellite does receive it, inside its config.
        await central.commands.markConnected(satellite)
        let config = try await DesiredStatePublisher(environment: central.environment).snapshot(for: satellite)
        #expect(config.desiredState.clusters.first?.databases.first?.password == planted)
    }

    @Test("live updates are incremental, and a client that stops reading is dropped without slowing others")
    func liveUpdates() async throws {
        let live = LiveUpdates(capacity: 4)
        let (_, slow) = live.subscribe()
        let (_, fast) = live.subscribe()
        var fastFrames: [String] = []
        var iterator = fast.makeAsyncIterator()
        for index in 0..<20 {
            live.publish("cluster.deleted", DeletedEntity(id: "c\(index)"))
            if let frame = await iterator.next() { fastFrames.append(String(decoding: frame, as: UTF8.self)) }
        }
        #expect(live.droppedSubscribers == 1)
        #expect(live.subscriberCount == 1)
        #expect(fastFrames.first?.contains("hello") == true)
        #expect(fastFrames.contains { $0.contains(#""type":"cluster.deleted","data":{"id":"c3"}"#) })
        var slowCount = 0
        for await _ in slow { slowCount += 1 }
        #expect(slowCount <= 4)
    }

    @Test("over a real socket: oversized bodies get 413 JSON, SSE streams, static files cannot escape their folder")
    func liveServer() async throws {
        let conninfo = try await TestDatabaseServer.freshDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dash-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: folder + "/assets", withIntermediateDirectories: true)
        try "<html>app</html>".write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: folder + "/assets/app.css", atomically: true, encoding: .utf8)
        var configuration = CentralConfiguration(databaseURL: conninfo)
        configuration.httpHost = "127.0.0.1"
        configuration.httpPort = 0
        configuration.maximumBodyBytes = 2048
        configuration.dashboardDirectory = folder
        let app = try await CentralApp.start(configuration, logger: Logger(label: "t"))
        let task = Task { await app.run() }
        defer {
            task.cancel()
            Task { await app.shutdown() }
        }
        let token = app.createdAdminToken!
        let big = String(repeating: "x", count: 4096)
        let tooLarge = try await raw(
            app.httpPort,
            "POST /api/v1/storage-tiers HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(big.count)\r\n\r\n\(big)"
        )
        #expect(tooLarge.hasPrefix("HTTP/1.1 413"))
        #expect(tooLarge.contains("payload_too_large"))
        #expect(try await app.environment.store.storageTiers().count == 3)
        let css = try await raw(app.httpPort, "GET /assets/app.css HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(css.contains("Content-Type: text/css"))
        for path in [
            "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fetc%2fpasswd", "/.git/config",
        ] {
            let reply = try await raw(app.httpPort, "GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(!reply.contains("root:"), "\(path)")
        }
        let spa = try await raw(app.httpPort, "GET /clusters/abc HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(spa.contains("<html>app</html>"))
        let stream = try await raw(
            app.httpPort, "GET /api/v1/live HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\n\r\n",
            until: { $0.contains("event: hello") })
        #expect(stream.contains("text/event-stream"))
    }
}

/// Sends one request over TCP and returns what arrives until the server closes or `until` holds.
func raw(_ port: UInt16, _ text: String, until: (String) -> Bool = { _ in false }) async throws -> String {
    let connection = try await TCPClient.connect(host: "127.0.0.1", port: port, deadline: .after(.seconds(5)))
    defer { connection.close() }
    try await connection.write(Array(text.utf8), deadline: .after(.seconds(5)))
    var received: [UInt8] = []
    for _ in 0..<200 {
        let bytes = try await connection.read(maxBytes: 65536, deadline: .after(.seconds(10)))
        if bytes.isEmpty { break }
        received += bytes
        if until(String(decoding: received, as: UTF8.self)) { break }
    }
    return String(decoding: received, as: UTF8.self)
}
