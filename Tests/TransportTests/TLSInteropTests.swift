import Testing
import Transport

/// Our TLS against Python's `ssl` module (CPython's own OpenSSL binding), both directions.
@Suite("TLS interop with Python ssl", .timeLimit(.minutes(2)))
struct TLSInteropTests {
    /// argv[1..]: certificate, key, client CA ("" for none). Prints the port, then per
    /// connection the ALPN protocol, TLS version and client subject, and echoes one line.
    static let pythonServer = """
        import socket, ssl, sys
        certificate, key, client_ca = sys.argv[1:4]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        context.set_alpn_protocols(["h2"])
        if client_ca:
            context.load_verify_locations(client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(20)
        print(listener.getsockname()[1], flush=True)
        raw, _ = listener.accept()
        raw.settimeout(20)
        with context.wrap_socket(raw, server_side=True) as tls:
            peer = tls.getpeercert()
            subject = dict(item[0] for item in peer["subject"])["commonName"] if peer else "none"
            print(tls.selected_alpn_protocol(), tls.version(), subject, flush=True)
            line = b""
            while not line.endswith(b"\\n"):
                chunk = tls.recv(4096)
                if not chunk:
                    break
                line += chunk
            tls.sendall(line)
        """

    /// argv[1..]: port, CA file, server name, client certificate and key ("" for none).
    /// Sends one line, prints the ALPN protocol, TLS version and the echoed line.
    static let pythonClient = """
        import socket, ssl, sys
        port, ca, server_name, certificate, key = sys.argv[1:6]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(ca)
        context.set_alpn_protocols(["h2"])
        if certificate:
            context.load_cert_chain(certificate, key)
        with socket.create_connection(("127.0.0.1", int(port)), timeout=20) as raw:
            with context.wrap_socket(raw, server_hostname=server_name) as tls:
                tls.sendall(b"hello from python\\n")
                reply = b""
                while not reply.endswith(b"\\n"):
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
                print(tls.selected_alpn_protocol(), tls.version(), reply.decode().strip(), flush=True)
        """

    @Test("Our client verifies a Python TLS server, negotiates h2 and exchanges data")
    func ourClientPythonServer() async throws {
        let pki = try await TestPKI.shared.value
        let python = try TestChildProcess([
            "python3", "-c", Self.pythonServer, pki.serverCertificate, pki.serverKey, "",
        ])
        defer { python.terminate() }
        let port = try #require(UInt16(try await python.readLine(deadline: .after(.seconds(20)))))
        let client = try TLSClientContext(
            configuration: TLSClientConfiguration(
                trustRoots: .caFile(pki.caCertificate), requiresApplicationProtocol: true))
        let connection = try await TLSClient.connect(
            host: "127.0.0.1", port: port, context: client, serverName: "localhost", timeout: .seconds(10))
        defer { connection.close() }
        #expect(connection.negotiatedProtocol == "h2")
        #expect(try await python.readLine(deadline: .after(.seconds(20))) == "h2 TLSv1.3 none")
        let line = Array("hello from swift\n".utf8)
        try await connection.write(line, deadline: .after(.seconds(10)))
        #expect(try await readExactly(line.count, from: connection, deadline: .after(.seconds(10))) == line)
        #expect(await python.waitForExit() == 0)
    }

    @Test("A Python TLS client verifies our server and negotiates h2")
    func pythonClientOurServer() async throws {
        let pki = try await TestPKI.shared.value
        let server = try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey))
        try await withEchoServer(tls: server) { listener in
            let python = try TestChildProcess([
                "python3", "-c", Self.pythonClient, String(listener.port), pki.caCertificate, "localhost", "", "",
            ])
            defer { python.terminate() }
            #expect(try await python.readLine(deadline: .after(.seconds(20))) == "h2 TLSv1.3 hello from python")
            #expect(await python.waitForExit() == 0)
        }
    }

    @Test("Mutual TLS both ways: our client certificate satisfies a Python server that requires one")
    func mutualTLSWithPythonServer() async throws {
        let pki = try await TestPKI.shared.value
        let python = try TestChildProcess([
            "python3", "-c", Self.pythonServer, pki.serverCertificate, pki.serverKey, pki.caCertificate,
        ])
        defer { python.terminate() }
        let port = try #require(UInt16(try await python.readLine(deadline: .after(.seconds(20)))))
        let client = try TLSClientContext(
            configuration: TLSClientConfiguration(
                trustRoots: .caFile(pki.caCertificate),
                clientCertificate: .init(certificateChainFile: pki.clientCertificate, privateKeyFile: pki.clientKey)))
        let connection = try await TLSClient.connect(
            host: "127.0.0.1", port: port, context: client, serverName: "localhost", timeout: .seconds(10))
        defer { connection.close() }
        #expect(try await python.readLine(deadline: .after(.seconds(20))) == "h2 TLSv1.3 satellite-1")
        try await connection.write(Array("x\n".utf8), deadline: .after(.seconds(10)))
        #expect(try await readExactly(2, from: connection, deadline: .after(.seconds(10))) == Array("x\n".utf8))
        #expect(await python.waitForExit() == 0)
    }

    @Test("A Python client with a certificate from our CA passes our required client authentication")
    func pythonClientWithCertificate() async throws {
        let pki = try await TestPKI.shared.value
        let server = try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey,
                clientAuthentication: .required(trustedCAFile: pki.caCertificate)))
        try await withEchoServer(tls: server) { listener in
            let python = try TestChildProcess([
                "python3", "-c", Self.pythonClient, String(listener.port), pki.caCertificate, "localhost",
                pki.clientCertificate, pki.clientKey,
            ])
            defer { python.terminate() }
            #expect(try await python.readLine(deadline: .after(.seconds(20))) == "h2 TLSv1.3 hello from python")
            #expect(await python.waitForExit() == 0)
        }
    }
}
