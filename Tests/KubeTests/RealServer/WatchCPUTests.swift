import Foundation
import Kube
import KubeTestSupport
import Testing

extension KubeServerTests {
    @Suite("Waiting watches")
    struct WatchCPU {
        /// FoundationNetworking kept a write-readiness source on a socket once libcurl asked for
        /// one (while connecting) and the socket is always writable, so a watch on a fresh
        /// connection used to spin a core for its whole life (the reason `KubeHTTP` no longer
        /// uses URLSession). The
        /// figure checked is CPU time, not wall time: a waiting watch uses next to none, a
        /// spinning one about a second per second however loaded the machine is.
        @Test("open watches that wait for changes do not keep the CPU busy", arguments: Backend.allCases)
        func waitingWatchesStayIdle(backend: Backend) async throws {
            try await BackendContext.with(backend) { context in
                // A fresh client, and several watches at once, so that some need new connections.
                let client = try context.client()
                let streams = [
                    client.changes(ConfigMap.self), client.changes(ConfigMap.self, labelSelector: "a=b"),
                    client.changes(ConfigMap.self, labelSelector: "c=d"),
                ]
                for stream in streams {
                    guard case .synced = try await collect(1, from: stream).first else {
                        Issue.record("expected the initial sync")
                        return
                    }
                }
                let window = 2.0
                let before = processCPUSeconds()
                try await Task.sleep(for: .seconds(window))
                let used = processCPUSeconds() - before
                #expect(used < window / 4, "the test process used \(used) s of CPU in \(window) s of waiting")
            }
        }
    }
}

private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}
