import Central
import Foundation
import GRPC
import Logging
import PGSwarmAPI
import PGSwarmRPC
import SwiftProtobuf
import Testing
import Transport

/// Central started as in production (`CentralApp` with a gRPC endpoint over TLS with its
/// development CA), spoken to by our own gRPC client the way a satellite will.
@Suite("Central over gRPC")
struct CentralGRPCTests {
    struct Running {
        let app: CentralApp
        let task: Task<Void, Never>
        let logs: CapturedLogs
        let channel: GRPCChannel

        func stop() async {
            await channel.shutdown()
            task.cancel()
            await app.shutdown()
        }
    }

    func start() async throws -> Running {
        var configuration = CentralConfiguration(databaseURL: try await TestDatabaseServer.freshDatabase())
        configuration.httpHost = "127.0.0.1"
        configuration.httpPort = 0
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("central-\(UUID())").path
        var grpc = GRPCSettings(security: .developmentCA(directory: folder, serverNames: ["localhost", "127.0.0.1"]))
        grpc.host = "127.0.0.1"
        grpc.port = 0
        configuration.grpc = grpc
        let logs = CapturedLogs()
        let app = try await CentralApp.start(configuration, logger: logs.logger())
        let task = Task { await app.run() }
        let authority = try #require(app.grpc?.developmentCA)
        let trust = try TLSClientContext(
            configuration: TLSClientConfiguration(
                trustRoots: .caFile(authority.caCertificateFile), requiresApplicationProtocol: true))
        let channel = try GRPCChannel(
            configuration: GRPCChannelConfiguration(
                host: "127.0.0.1", port: app.grpc!.port, security: .tls(trust, serverNameOverride: "localhost"),
                defaultTimeout: .seconds(20)),
            logger: Logger(label: "satellite"))
        return Running(app: app, task: task, logs: logs, channel: channel)
    }

    func register(_ running: Running, cluster: String) async throws -> (id: UUID, token: String) {
        let token = SystemSecureRandom().bytes(32).hexString
        var request = Pgswarm_V1_RegisterRequest()
        request.k8SClusterName = cluster
        request.authTokenSha256 = Data(Digest.sha256(token))
        let response = try await running.channel.unary(RegistrationServiceMethods.register, request)
        return (UUID(uuidString: response.satelliteID)!, token)
    }

    func hello(version: Int64 = 0) -> Pgswarm_V1_SatelliteMessage {
        var message = Pgswarm_V1_SatelliteMessage()
        message.hello.sessionID = UUID().uuidString
        message.hello.desiredState.desiredStateVersion = version
        return message
    }

    func bearer(_ token: String) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(metadata: metadata)
    }

    @Test("register, approve, connect: hello, heartbeat ack, a pushed config and its ack; secrets never logged")
    func stream() async throws {
        let running = try await start()
        let (id, token) = try await register(running, cluster: "edge-wire")
        var check = Pgswarm_V1_CheckApprovalRequest()
        check.satelliteID = id.uuidString.lowercased()
        check.authToken = token
        #expect(try await running.channel.unary(RegistrationServiceMethods.checkApproval, check).approved == false)
        let store = running.app.environment.store
        guard case .approved = try await store.approveSatellite(id, name: "edge wire", replace: false) else {
            Issue.record("approval failed")
            return
        }
        #expect(try await running.channel.unary(RegistrationServiceMethods.checkApproval, check).approved)

        try await running.channel.bidirectionalStreaming(
            SatelliteStreamServiceMethods.connect, options: bearer(token)
        ) { call in
            var responses = call.responses.makeAsyncIterator()
            try await call.write(hello())
            let greeting = try #require(try await responses.next())
            #expect(greeting.hello.satelliteID == id.uuidString.lowercased())
            #expect(await running.app.hub.isConnected(id))
            var beat = Pgswarm_V1_SatelliteMessage()
            beat.heartbeat.timestamp = .init(seconds: 1_700_000_000)
            try await call.write(beat)
            var next = try #require(try await responses.next())
            if case .desiredState? = next.payload { next = try #require(try await responses.next()) }
            #expect(next.heartbeatAck.timestamp.seconds == 1_700_000_000)

            let fleet = FleetService(environment: running.app.environment)
            let spec = ClusterSpec(postgres: PostgresImageSpec(version: "17"), storage: VolumeSpec(size: "1Gi"))
            let cluster = try await fleet.createCluster(
                name: "orders", namespace: "default", satelliteID: id, profileID: nil, spec: spec)
            let pushed = try #require(try await responses.next())
            #expect(pushed.clusterConfig.clusterName == "orders" && pushed.desiredStateVersion > 0)
            var ack = Pgswarm_V1_SatelliteMessage()
            ack.seq = 1
            ack.configAck.clusterName = "orders"
            ack.configAck.namespace = "default"
            ack.configAck.configVersion = pushed.clusterConfig.configVersion
            ack.configAck.success = true
            try await call.write(ack)
            #expect(try await responses.next()?.deliveryAck.ackedThroughSeq == 1)
            #expect(try await store.cluster(cluster.id)?.appliedConfigVersion == pushed.clusterConfig.configVersion)
            try await call.finishRequests()
            while try await responses.next() != nil {}
        }
        // The disconnect is recorded once the call is over.
        for _ in 0..<100 where try await store.satellite(id)?.state != .disconnected {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await store.satellite(id)?.state == .disconnected)
        #expect(await running.app.hub.isConnected(id) == false)

        await #expect(throws: GRPCStatus.self) {
            try await running.channel.bidirectionalStreaming(
                SatelliteStreamServiceMethods.connect, options: bearer("f" + token.dropFirst())
            ) { call in
                try await call.write(hello())
                for try await _ in call.responses {}
            }
        }
        await running.stop()
        for line in running.logs.all {
            #expect(!line.contains(token), "logged: \(line)")
        }
    }

    @Test("shutdown ends open streams UNAVAILABLE and records their disconnects")
    func shutdown() async throws {
        let running = try await start()
        let (id, token) = try await register(running, cluster: "edge-stop")
        _ = try await running.app.environment.store.approveSatellite(id, name: "edge stop", replace: false)
        let call = Task {
            try await running.channel.bidirectionalStreaming(
                SatelliteStreamServiceMethods.connect, options: bearer(token)
            ) { call in
                try await call.write(hello())
                for try await _ in call.responses {}
            }
        }
        for _ in 0..<200 where await !running.app.hub.isConnected(id) {
            try await Task.sleep(for: .milliseconds(25))
        }
        let store = running.app.environment.store
        for _ in 0..<200 where try await store.satellite(id)?.state != .connected {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(try await store.satellite(id)?.state == .connected)
        running.app.hub.endAll(GRPCStatus(.unavailable, "central is shutting down"))
        await #expect(throws: GRPCStatus(.unavailable, "central is shutting down")) { try await call.value }
        for _ in 0..<200 where try await store.satellite(id)?.state != .disconnected {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(try await store.satellite(id)?.state == .disconnected)
        await running.stop()
    }
}
