import Foundation
import Kube
import KubeconfigYAML

/// kube-probe: can this process reach and trust the API server? For image checks and the CA
/// trust test. Prints one JSON line and exits 0 (reached) or 1.
///
///   kube-probe [--kubeconfig PATH | --in-cluster [--service-account-dir DIR]]
///              [--install-ca] [--timeout SECONDS]
///
/// --install-ca first composes the system trust bundle with the configuration's CA
/// (`TrustBundle.install`), as pg-swarm's daemons do at start-up.

func report(_ fields: [String: String], ok: Bool) -> Never {
    var line = fields
    line["ok"] = ok ? "true" : "false"
    let data = (try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
    exit(ok ? 0 : 1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var kubeconfigPath: String?
var inCluster = false
var serviceAccountDirectory = KubeConfiguration.serviceAccountDirectory
var installCA = false
var timeoutSeconds = 10
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--kubeconfig" where !arguments.isEmpty: kubeconfigPath = arguments.removeFirst()
    case "--in-cluster": inCluster = true
    case "--service-account-dir" where !arguments.isEmpty: serviceAccountDirectory = arguments.removeFirst()
    case "--install-ca": installCA = true
    case "--timeout" where !arguments.isEmpty: timeoutSeconds = Int(arguments.removeFirst()) ?? timeoutSeconds
    default: report(["error": "usage: kube-probe [--kubeconfig PATH | --in-cluster] [--install-ca]"], ok: false)
    }
}

do {
    let configuration: KubeConfiguration
    if let kubeconfigPath {
        configuration = try KubeConfiguration.kubeconfig(path: kubeconfigPath, format: .yaml)
    } else if inCluster {
        configuration = try KubeConfiguration.inCluster(directory: serviceAccountDirectory)
    } else {
        configuration = try KubeConfiguration.fromEnvironment(format: .yaml)
    }
    var fields = ["server": configuration.server.absoluteString]
    if installCA {
        guard let ca = configuration.certificateAuthority else {
            report(fields.merging(["error": "the configuration names no CA to install"]) { $1 }, ok: false)
        }
        fields["trustBundle"] = "\(try TrustBundle.install(try ca.read()))"
    }
    let client = try KubeClient(configuration, options: KubeClientOptions(retry: .never))
    let version = try await client.serverVersion(timeout: .seconds(timeoutSeconds))
    fields["gitVersion"] = version.gitVersion ?? "?"
    report(fields, ok: true)
} catch let error as KubeError {
    var fields = ["error": "\(error)"]
    if case .transport(let failure) = error { fields["kind"] = "\(failure.kind)" }
    report(fields, ok: false)
} catch {
    report(["error": "\(error)"], ok: false)
}
