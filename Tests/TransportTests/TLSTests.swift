import Testing
import Transport

@Suite("TLS with a private CA", .timeLimit(.minutes(2)))
struct TLSTests {
    static func serverContext(
        _ pki: TestPKI, clientAuthentication: TLSServerConfiguration.ClientAuthentication = .none
    ) throws -> TLSServerContext {
        try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey,
                clientAuthentication: clientAuthentication))
    }

    static func clientContext(
        trusting caFile: String, certificate: TLSClientConfiguration.ClientCertificate? = nil,
        protocols: [String] = ["h2"], requiresProtocol: Bool = true
    ) throws -> TLSClientContext {
        try TLSClientContext(
            configuration: TLSClientConfiguration(
                trustRoots: .caFile(caFile), clientCertificate: certificate, applicationProtocols: protocols,
                requiresApplicationProtocol: requiresProtocol))
    }

    /// Sends a line and expects it echoed back.
    static func expectEcho(over connection: TLSConnection) async throws {
        let message = Array("ping over TLS".utf8)
        try await connection.write(message, deadline: .after(.seconds(10)))
        #expect(try await readExactly(message.count, from: connection, deadline: .after(.seconds(10))) == message)
    }

    @Test("The handshake verifies the host name and negotiates ALPN h2")
    func handshakeWithALPN() async throws {
        let pki = try await TestPKI.shared.value
        let server = try Self.serverContext(pki)
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: server) { listener in
            let connection = try await TLSClient.connect(
                host: "127.0.0.1", port: listener.port, context: client, serverName: "localhost", timeout: .seconds(10))
            defer { connection.close() }
            #expect(connection.negotiatedProtocol == "h2")
            #expect(connection.protocolVersion == "TLSv1.3")
            try await Self.expectEcho(over: connection)
        }
    }

    @Test("An IP address as server name is checked against the certificate's IP SANs")
    func ipAddressServerName() async throws {
        let pki = try await TestPKI.shared.value
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: try Self.serverContext(pki)) { listener in
            let connection = try await TLSClient.connect(
                host: "127.0.0.1", port: listener.port, context: client, timeout: .seconds(10))
            defer { connection.close() }
            try await Self.expectEcho(over: connection)
        }
    }

    @Test("Several megabytes cross a TLS connection both ways intact")
    func largeTransfer() async throws {
        let pki = try await TestPKI.shared.value
        let client = try Self.clientContext(trusting: pki.caCertificate)
        let size = 4 * 1024 * 1024
        let payload = pattern(count: size, seed: 3)
        try await withEchoServer(tls: try Self.serverContext(pki)) { listener in
            let connection = try await TLSClient.connect(
                host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
            defer { connection.close() }
            async let sent: Void = connection.write(payload, deadline: .after(.seconds(60)))
            let received = try await readExactly(size, from: connection, deadline: .after(.seconds(60)))
            try await sent
            #expect(received == payload)
        }
    }

    @Test("A server certificate from a different CA is refused")
    func untrustedCA() async throws {
        let pki = try await TestPKI.shared.value
        let impostor = try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.otherServerCertificate, privateKeyFile: pki.otherServerKey))
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: impostor) { listener in
            let error = await transportError {
                _ = try await TLSClient.connect(
                    host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
            }
            #expect(error?.kind == .certificateVerificationFailed)
            #expect(error?.operation == .handshake)
            #expect(error?.detail?.contains("local issuer") == true)
        }
    }

    @Test("A certificate for another host name is refused")
    func hostnameMismatch() async throws {
        let pki = try await TestPKI.shared.value
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: try Self.serverContext(pki)) { listener in
            let error = await transportError {
                _ = try await TLSClient.connect(
                    host: "127.0.0.1", port: listener.port, context: client, serverName: "central.example",
                    timeout: .seconds(10))
            }
            #expect(error?.kind == .certificateVerificationFailed)
            #expect(error?.detail?.contains("mismatch") == true)
        }
    }

    @Test("Mutual TLS required: a client without a certificate is refused")
    func mutualTLSWithoutCertificate() async throws {
        let pki = try await TestPKI.shared.value
        let server = try Self.serverContext(pki, clientAuthentication: .required(trustedCAFile: pki.caCertificate))
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: server) { listener in
            // With TLS 1.3 the client finishes its handshake before the server checks the
            // client certificate, so the refusal arrives either there or on the first read.
            let error = await transportError {
                let connection = try await TLSClient.connect(
                    host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
                defer { connection.close() }
                try await connection.write([1], deadline: .after(.seconds(5)))
                let bytes = try await connection.read(maxBytes: 1, deadline: .after(.seconds(5)))
                if bytes.isEmpty { throw TransportError(kind: .connectionReset, operation: .read) }
            }
            #expect(error?.kind == .tlsFailed || error?.kind == .tlsHandshakeFailed || error?.kind == .connectionReset)
            #expect(error?.detail?.contains("certificate required") == true)
        }
    }

    @Test("Mutual TLS required: a client with a certificate from the CA is accepted and identified")
    func mutualTLSWithCertificate() async throws {
        let pki = try await TestPKI.shared.value
        let server = try Self.serverContext(pki, clientAuthentication: .required(trustedCAFile: pki.caCertificate))
        let client = try Self.clientContext(
            trusting: pki.caCertificate,
            certificate: .init(certificateChainFile: pki.clientCertificate, privateKeyFile: pki.clientKey))
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        async let accepted = TLSConnection.accept(
            over: try await listener.accept(deadline: .after(.seconds(10))), context: server,
            deadline: .after(.seconds(10)))
        let connection = try await TLSClient.connect(
            host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
        defer { connection.close() }
        let serverSide = try await accepted
        defer { serverSide.close() }
        #expect(serverSide.peerCertificateSubject == "/CN=satellite-1")
        #expect(connection.peerCertificateSubject == "/CN=localhost")
        try await serverSide.write([5, 6], deadline: .after(.seconds(5)))
        #expect(try await readExactly(2, from: connection, deadline: .after(.seconds(5))) == [5, 6])
    }

    @Test("Mutual TLS required: the server reports the missing client certificate")
    func mutualTLSServerSideError() async throws {
        let pki = try await TestPKI.shared.value
        let server = try Self.serverContext(pki, clientAuthentication: .required(trustedCAFile: pki.caCertificate))
        let client = try Self.clientContext(trusting: pki.caCertificate)
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let clientTask = Task {
            let connection = try await TLSClient.connect(
                host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
            defer { connection.close() }
            _ = try await connection.read(maxBytes: 1, deadline: .after(.seconds(10)))
        }
        defer { clientTask.cancel() }
        let tcp = try await listener.accept(deadline: .after(.seconds(10)))
        let error = await transportError {
            _ = try await TLSConnection.accept(over: tcp, context: server, deadline: .after(.seconds(10)))
        }
        #expect(error?.kind == .tlsHandshakeFailed)
        #expect(error?.detail?.contains("did not return a certificate") == true)
    }

    @Test("Optional client authentication accepts a client without a certificate")
    func optionalClientAuthentication() async throws {
        let pki = try await TestPKI.shared.value
        let server = try Self.serverContext(pki, clientAuthentication: .optional(trustedCAFile: pki.caCertificate))
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: server) { listener in
            let connection = try await TLSClient.connect(
                host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
            defer { connection.close() }
            try await Self.expectEcho(over: connection)
        }
    }

    @Test("A client that requires a protocol the server does not speak is refused")
    func alpnMismatchIsRefused() async throws {
        let pki = try await TestPKI.shared.value
        let client = try Self.clientContext(trusting: pki.caCertificate, protocols: ["grpc-exp"])
        try await withEchoServer(tls: try Self.serverContext(pki)) { listener in
            let error = await transportError {
                _ = try await TLSClient.connect(
                    host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
            }
            #expect(error?.kind == .tlsHandshakeFailed)
            #expect(error?.detail?.contains("no application protocol") == true)
        }
    }

    @Test("A client that requires ALPN refuses a server that negotiates none")
    func requiredALPNMissing() async throws {
        let pki = try await TestPKI.shared.value
        let server = try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey, applicationProtocols: []))
        let client = try Self.clientContext(trusting: pki.caCertificate)
        try await withEchoServer(tls: server) { listener in
            let error = await transportError {
                _ = try await TLSClient.connect(
                    host: "localhost", port: listener.port, context: client, timeout: .seconds(10))
            }
            #expect(error?.kind == .applicationProtocolNotNegotiated)
        }
    }

    @Test("A handshake against a peer that never answers ends at its deadline")
    func handshakeDeadline() async throws {
        let pki = try await TestPKI.shared.value
        let client = try Self.clientContext(trusting: pki.caCertificate)
        let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        // The listener accepts at the kernel level but never speaks TLS.
        let tcp = try await TCPClient.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(10))
        let error = await transportError {
            _ = try await TLSConnection.connect(
                over: tcp, context: client, serverName: "localhost", deadline: .after(.milliseconds(300)))
        }
        #expect(error?.kind == .timedOut)
        #expect(error?.operation == .handshake)
    }
}

@Suite("TLS configuration errors")
struct TLSConfigurationTests {
    @Test("A missing certificate file is reported with its path")
    func missingCertificate() async throws {
        let pki = try await TestPKI.shared.value
        let error = await transportError {
            _ = try TLSServerContext(
                configuration: TLSServerConfiguration(
                    certificateChainFile: "/nonexistent/server.pem", privateKeyFile: pki.serverKey))
        }
        #expect(error?.kind == .tlsConfigurationInvalid)
        #expect(error?.detail?.contains("/nonexistent/server.pem") == true)
    }

    @Test("A key that does not match the certificate is refused, without key material in the error")
    func mismatchedKey() async throws {
        let pki = try await TestPKI.shared.value
        let error = await transportError {
            _ = try TLSServerContext(
                configuration: TLSServerConfiguration(
                    certificateChainFile: pki.serverCertificate, privateKeyFile: pki.otherServerKey))
        }
        #expect(error?.kind == .tlsConfigurationInvalid)
        #expect(error?.description.contains("PRIVATE KEY") == false)
    }

    @Test("A missing CA file is reported")
    func missingCAFile() async {
        let error = await transportError {
            _ = try TLSClientContext(configuration: TLSClientConfiguration(trustRoots: .caFile("/nonexistent/ca.pem")))
        }
        #expect(error?.kind == .tlsConfigurationInvalid)
    }

    @Test("ALPN identifiers must be 1 to 255 bytes, and a required protocol must be configured")
    func alpnRules() async {
        let empty = await transportError {
            _ = try TLSClientContext(configuration: TLSClientConfiguration(applicationProtocols: [""]))
        }
        #expect(empty?.kind == .tlsConfigurationInvalid)
        let long = await transportError {
            _ = try TLSClientContext(
                configuration: TLSClientConfiguration(applicationProtocols: [String(repeating: "x", count: 256)]))
        }
        #expect(long?.kind == .tlsConfigurationInvalid)
        let none = await transportError {
            _ = try TLSClientContext(
                configuration: TLSClientConfiguration(applicationProtocols: [], requiresApplicationProtocol: true))
        }
        #expect(none?.kind == .tlsConfigurationInvalid)
    }

    @Test("The system trust store loads")
    func systemTrustStore() throws {
        _ = try TLSClientContext(configuration: TLSClientConfiguration(trustRoots: .system))
    }
}
