import GRPC
import GRPCInterop
import GRPCInteropAPI
import HTTP2
import Synchronization
import Testing
import Transport

@testable import GRPC

@Suite("Channel behaviour: failures, reconnection, keepalive")
struct ChannelBehaviourTests {
    @Test("with nothing listening, calls fail fast with UNAVAILABLE")
    func nothingListening() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        let channel = try GRPCChannel(
            configuration: GRPCChannelConfiguration(host: "127.0.0.1", port: port), logger: TestServer.silent)
        for _ in 0..<3 {
            await #expect(throws: GRPCStatus.self) {
                do {
                    _ = try await within(.seconds(10)) {
                        try await channel.unary(TestServiceMethods.emptyCall, .init())
                    }
                } catch let status as GRPCStatus {
                    #expect(status.code == .unavailable)
                    throw status
                }
            }
        }
        #expect(channel.connectivity == .transientFailure)
        await channel.shutdown()
    }

    @Test("after the server restarts, the channel reconnects with backoff")
    func reconnect() async throws {
        let first = try await TestServer.start()
        let port = first.port
        let channel = try first.channel()
        _ = try await channel.unary(TestServiceMethods.emptyCall, .init())
        await first.stop()
        await #expect(throws: GRPCStatus.self) {
            _ = try await channel.unary(TestServiceMethods.emptyCall, .init())
        }
        let second = try await TestServer.start(configure: { $0.port = port })
        // Wait-for-ready calls ride out the backoff instead of failing fast.
        _ = try await within(.seconds(20)) {
            try await channel.unary(TestServiceMethods.emptyCall, .init(), options: CallOptions(waitForReady: true))
        }
        #expect(channel.connectivity == .ready)
        await channel.shutdown()
        await second.stop()
    }

    @Test("a client pinging too often gets GOAWAY too_many_pings and then pings half as often")
    func tooManyPings() async throws {
        try await withServer(
            configure: {
                $0.connection.pingAbusePolicy = PingAbusePolicy.Configuration(minimumPingInterval: .seconds(60))
            },
            channel: {
                $0.connection.keepalive = KeepaliveConfiguration(interval: .milliseconds(20), timeout: .seconds(5))
            }
        ) { _, channel in
            await #expect(throws: GRPCStatus.self) {
                try await within(.seconds(20)) {
                    try await channel.bidirectionalStreaming(TestServiceMethods.fullDuplexCall) { call in
                        for try await _ in call.responses {}
                    }
                }
            }
            // The channel learns it when the connection has ended, just after the call failed.
            var interval = channel.state.withLock { $0.keepalive?.interval }
            for _ in 0..<500 where interval != .milliseconds(40) {
                try await Task.sleep(for: .milliseconds(10))
                interval = channel.state.withLock { $0.keepalive?.interval }
            }
            #expect(interval == .milliseconds(40))
        }
    }

    @Test("a peer that stops answering PINGs is dropped after the keepalive timeout")
    func keepaliveTimeout() async throws {
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        // A server that completes the HTTP/2 handshake, then never reads or answers again.
        let silentPeer = Task {
            let tcp = try await listener.accept(deadline: .after(.seconds(10)))
            var engine = try HTTP2Connection(role: .server)
            var received: [UInt8] = []
            while received.count < 24 + 9 {
                received += try await tcp.read(maxBytes: 4_096, deadline: .after(.seconds(10)))
            }
            _ = try engine.receive(received)
            try await tcp.write(engine.dataToSend(), deadline: .after(.seconds(5)))
            try await Task.sleep(for: .seconds(30))
            tcp.close()
        }
        var configuration = GRPCChannelConfiguration(host: "127.0.0.1", port: listener.port)
        configuration.connection.keepalive = KeepaliveConfiguration(
            interval: .milliseconds(100), timeout: .milliseconds(200))
        let channel = try GRPCChannel(configuration: configuration, logger: TestServer.silent)
        await #expect(throws: GRPCStatus.self) {
            do {
                _ = try await within(.seconds(20)) {
                    try await channel.unary(TestServiceMethods.emptyCall, .init())
                }
            } catch let status as GRPCStatus {
                #expect(status.code == .unavailable)
                throw status
            }
        }
        silentPeer.cancel()
        listener.close()
        await channel.shutdown()
    }

    @Test("a deadline passing while the call waits for a connection is DEADLINE_EXCEEDED")
    func deadlineWhileConnecting() async throws {
        // A listener that never accepts: the TCP handshake completes in the backlog, TLS never starts.
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        let pki = try TestPKI.shared.get()
        let context = try TLSClientContext(
            configuration: TLSClientConfiguration(trustRoots: .caFile(pki.caCertificate)))
        var configuration = GRPCChannelConfiguration(host: "127.0.0.1", port: listener.port)
        configuration.security = .tls(context, serverNameOverride: TestPKI.serverName)
        let channel = try GRPCChannel(configuration: configuration, logger: TestServer.silent)
        await #expect(throws: GRPCStatus.self) {
            do {
                _ = try await within(.seconds(20)) {
                    try await channel.unary(
                        TestServiceMethods.emptyCall, .init(), options: CallOptions(timeout: .milliseconds(200)))
                }
            } catch let status as GRPCStatus {
                #expect(status.code == .deadlineExceeded)
                throw status
            }
        }
        await channel.shutdown()
        listener.close()
    }
}
