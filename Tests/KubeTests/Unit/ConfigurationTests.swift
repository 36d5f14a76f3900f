import Foundation
import Kube
import KubeconfigYAML
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "kube-config-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func token(_ configuration: KubeConfiguration) throws -> String? {
        guard case .bearerToken(let provider) = configuration.credentials else { return nil }
        return try provider.currentToken()
    }

    @Test("a kubeconfig resolves its current context: server, token, CA file relative to the file, namespace")
    func kubeconfigToken() throws {
        let dir = try Self.folder()
        let yaml = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: edge
              cluster: {server: "https://10.0.0.1:6443", certificate-authority: pki/ca.crt}
            - name: other
              cluster: {server: "https://10.0.0.2:6443", certificate-authority-data: \(Base64.encode(Array("PEM".utf8)))}
            users:
            - name: admin
              user: {token: s3cr3t-token}
            - name: file-user
              user: {tokenFile: tok}
            contexts:
            - name: main
              context: {cluster: edge, user: admin, namespace: pg}
            - name: alt
              context: {cluster: other, user: file-user}
            current-context: main
            """
        try yaml.write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let main = try KubeConfiguration.kubeconfig(path: dir + "/config", format: .yaml)
        #expect(main.server.absoluteString == "https://10.0.0.1:6443")
        #expect(main.namespace == "pg")
        #expect(main.certificateAuthority == .file(dir + "/pki/ca.crt"))
        #expect(try Self.token(main) == "s3cr3t-token")
        #expect(!"\(main)".contains("s3cr3t"), "the description never shows the token")

        try "file-token\n".write(toFile: dir + "/tok", atomically: true, encoding: .utf8)
        let alt = try KubeConfiguration.kubeconfig(path: dir + "/config", context: "alt", format: .yaml)
        #expect(alt.certificateAuthority == .inline("PEM"))
        #expect(alt.namespace == "default")
        #expect(try Self.token(alt) == "file-token")
        #expect(throws: KubeError.self) {
            try KubeConfiguration.kubeconfig(path: dir + "/config", context: "none", format: .yaml)
        }
        // The built-in JSON reader (the failover sidecar's) refuses YAML and says how to convert it.
        let refusal = #expect(throws: KubeError.self) { try KubeConfiguration.kubeconfig(path: dir + "/config") }
        #expect("\(refusal.map { "\($0)" } ?? "")".contains("kubectl config view --raw --flatten -o json"))
    }

    @Test("a kubeconfig in JSON form works too, and a client certificate that cannot be loaded is refused")
    func jsonAndClientCertificates() throws {
        let json = """
            {"clusters":[{"name":"c","cluster":{"server":"https://h:1"}}],
             "users":[{"name":"u","user":{"client-certificate-data":"\(Base64.encode(Array("CERT".utf8)))","client-key":"/k.pem"}}],
             "contexts":[{"name":"x","context":{"cluster":"c","user":"u"}}],"current-context":"x"}
            """
        let configuration = try KubeConfiguration.kubeconfig(Kubeconfig.parse(json), relativeTo: "/")
        guard case .clientCertificate(let certificate, let key) = configuration.credentials else {
            Issue.record("expected client-certificate credentials")
            return
        }
        #expect(certificate == .inline("CERT"))
        #expect(key == .file("/k.pem"))
        #expect(throws: KubeError.self) { try KubeClient(configuration) }
        #expect(throws: KubeError.self) { try Kubeconfig.parse("clusters: [oops", format: .yaml) }
        #expect(throws: KubeError.self) { try Kubeconfig.parse(#"{"clusters": [oops"#) }
        let dir = try Self.folder()
        try json.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        let fromFile = try KubeConfiguration.kubeconfig(path: dir + "/config.json")
        #expect(fromFile.server.absoluteString == "https://h:1")
    }

    @Test("in a pod: service host and port, the service-account files, and a rotated token is picked up")
    func inCluster() throws {
        let dir = try Self.folder()
        try "token-1".write(toFile: dir + "/token-a", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/token", withDestinationPath: dir + "/token-a")
        try "-----BEGIN CERTIFICATE-----".write(toFile: dir + "/ca.crt", atomically: true, encoding: .utf8)
        try "pg-edge\n".write(toFile: dir + "/namespace", atomically: true, encoding: .utf8)
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try KubeConfiguration.inCluster(environment: environment, directory: dir)
        #expect(configuration.server.absoluteString == "https://[fd00::1]:443")
        #expect(configuration.namespace == "pg-edge")
        #expect(configuration.certificateAuthority == .file(dir + "/ca.crt"))
        #expect(try Self.token(configuration) == "token-1")

        // The kubelet rotates by swapping a symlink to a new file.
        try "token-2".write(toFile: dir + "/token-b", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: dir + "/token")
        try FileManager.default.createSymbolicLink(atPath: dir + "/token", withDestinationPath: dir + "/token-b")
        #expect(try Self.token(configuration) == "token-2")

        #expect(throws: KubeError.self) { try KubeConfiguration.inCluster(environment: [:], directory: dir) }
        #expect(throws: KubeError.self) {
            try KubeConfiguration.inCluster(environment: environment, directory: dir + "/missing")
        }
    }
}
