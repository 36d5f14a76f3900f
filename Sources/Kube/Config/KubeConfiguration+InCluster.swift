public import FoundationEssentials
import TextBasics

extension KubeConfiguration {
    /// The service-account files every pod gets (unless automounting is off).
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a pod: `KUBERNETES_SERVICE_HOST`/`_PORT`, the service-account token
    /// (re-read when rotated), `ca.crt` and `namespace` from `directory`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = serviceAccountDirectory
    ) throws(KubeError) -> KubeConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeError.invalidConfiguration(
                "not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        guard let portNumber = UInt16(port) else {
            throw KubeError.invalidConfiguration("KUBERNETES_SERVICE_PORT is not a port: \(port)")
        }
        // An IPv6 service address needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(portNumber)") else {
            throw KubeError.invalidConfiguration("KUBERNETES_SERVICE_HOST is not a host: \(host)")
        }
        let tokenPath = directory + "/token"
        let provider = FileTokenProvider(path: tokenPath)
        _ = try provider.currentToken()
        let caPath = directory + "/ca.crt"
        let ca: CertificateAuthority? = FileManager.default.fileExists(atPath: caPath) ? .file(caPath) : nil
        var namespace = "default"
        if let data = FileManager.default.contents(atPath: directory + "/namespace") {
            let text = String(decoding: data, as: UTF8.self).trimmingWhitespace
            if !text.isEmpty { namespace = text }
        }
        return KubeConfiguration(
            server: server, credentials: .bearerToken(provider), certificateAuthority: ca, namespace: namespace)
    }

    /// `$KUBECONFIG` (its first file) if set, else the in-cluster configuration if running in a
    /// pod, else `~/.kube/config`; kubeconfig files are read in `format`.
    public static func fromEnvironment(
        environment: [String: String] = ProcessInfo.processInfo.environment, format: KubeconfigFormat = .json
    ) throws(KubeError) -> KubeConfiguration {
        if let paths = environment["KUBECONFIG"], let first = paths.split(separator: ":").first {
            return try kubeconfig(path: String(first), format: format)
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment)
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return try kubeconfig(path: home + "/.kube/config", format: format)
    }
}
