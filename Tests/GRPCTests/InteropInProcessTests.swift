import GRPC
import GRPCInterop
import Testing
import Transport

@Suite("Our client against our server, in process over loopback TCP")
struct InteropInProcessTests {
    static let cases = InteropTestCase.standard + [.largeMessages, .concurrentStreams]

    @Test("every interop case passes over h2c", arguments: cases)
    func plaintext(_ testCase: InteropTestCase) async throws {
        try await withServer { _, channel in
            try await within(.seconds(60)) { try await testCase.run(on: channel) }
        }
    }

    @Test("every standard interop case passes over mutual TLS with a private CA and a name override")
    func mutualTLS() async throws {
        let pki = try TestPKI.shared.get()
        let serverContext = try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey,
                clientAuthentication: .required(trustedCAFile: pki.caCertificate)))
        let clientContext = try TLSClientContext(
            configuration: TLSClientConfiguration(
                trustRoots: .caFile(pki.caCertificate),
                clientCertificate: .init(certificateChainFile: pki.clientCertificate, privateKeyFile: pki.clientKey),
                requiresApplicationProtocol: true))
        try await withServer(
            configure: { $0.security = .tls(serverContext) },
            channel: { $0.security = .tls(clientContext, serverNameOverride: TestPKI.serverName) }
        ) { _, channel in
            for testCase in InteropTestCase.standard {
                try await within(.seconds(30)) { try await testCase.run(on: channel) }
            }
        }
    }

    @Test("a certificate for another name is refused: calls fail UNAVAILABLE")
    func wrongName() async throws {
        let pki = try TestPKI.shared.get()
        let serverContext = try TLSServerContext(
            configuration: TLSServerConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey))
        let clientContext = try TLSClientContext(
            configuration: TLSClientConfiguration(
                trustRoots: .caFile(pki.caCertificate), requiresApplicationProtocol: true))
        try await withServer(
            configure: { $0.security = .tls(serverContext) },
            channel: { $0.security = .tls(clientContext, serverNameOverride: "other.example") }
        ) { _, channel in
            await #expect(throws: GRPCStatus.self) {
                try await InteropTestCase.emptyUnary.run(on: channel)
            }
        }
    }
}
