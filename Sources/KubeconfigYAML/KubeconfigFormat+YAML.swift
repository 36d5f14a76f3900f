public import Kube
import Yams

extension KubeconfigFormat {
    /// YAML, as kubectl writes kubeconfigs (JSON is YAML too). Links Yams and the full Foundation:
    /// for tools and daemons where that weight does not matter, never the failover sidecar.
    public static let yaml = KubeconfigFormat { text in try YAMLDecoder().decode(Kubeconfig.self, from: text) }
}
