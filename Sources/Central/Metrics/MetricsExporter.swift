import Foundation
import Postgres

/// Renders `/metrics`: in-memory counters plus fleet gauges read from the store.
public struct MetricsExporter: Sendable {
    let store: MetadataStore
    let metrics: CentralMetrics
    let live: LiveUpdates

    public init(store: MetadataStore, metrics: CentralMetrics, live: LiveUpdates) {
        self.store = store
        self.metrics = metrics
        self.live = live
    }

    public func render() async throws -> String {
        var text = PrometheusText()
        let satellites = try await store.satelliteCounts()
        text.header("pgswarm_satellites", "Satellites by state.", type: "gauge")
        for state in SatelliteState.allCases {
            text.sample("pgswarm_satellites", ["state": state.rawValue], Double(satellites[state] ?? 0))
        }
        let clusters = try await store.clusterCounts()
        text.header("pgswarm_clusters", "Clusters by state.", type: "gauge")
        for state in ClusterState.allCases {
            text.sample("pgswarm_clusters", ["state": state.rawValue], Double(clusters[state] ?? 0))
        }
        let switchovers = try await store.switchoverCounts()
        text.header("pgswarm_switchover_operations", "Switchover operations on record, by status.", type: "gauge")
        for status in ["requested", "running", "waiting_for_confirmation", "succeeded", "failed", "aborted"] {
            text.sample("pgswarm_switchover_operations", ["status": status], Double(switchovers[status] ?? 0))
        }
        try await renderInstances(into: &text)
        text.header("pgswarm_live_clients", "Connected live-update clients.", type: "gauge")
        text.sample("pgswarm_live_clients", [:], Double(live.subscriberCount))
        metrics.render(into: &text)
        return text.output
    }

    /// Per-instance gauges from the latest health reports (protobuf JSON with field names).
    private func renderInstances(into text: inout PrometheusText) async throws {
        let rows = try await store.pool.query(
            """
            SELECT h.satellite_id::text AS satellite, h.namespace, h.cluster_name,
                   coalesce(i->>'pod_name', '') AS pod,
                   coalesce((i->>'replication_lag_bytes')::float8, 0) AS lag,
                   coalesce((i->>'connections_used')::float8, 0) AS used,
                   coalesce((i->>'connections_max')::float8, 0) AS max,
                   coalesce((i->>'disk_used_bytes')::float8, 0) AS disk
            FROM cluster_health h, jsonb_array_elements(h.instances) AS i
            ORDER BY 1, 2, 3, 4
            """
        ).rows
        let gauges: [(String, String, String)] = [
            ("pgswarm_instance_replication_lag_bytes", "Replication lag of each instance, in bytes.", "lag"),
            ("pgswarm_instance_connections_used", "Backends of each instance.", "used"),
            ("pgswarm_instance_connections_max", "max_connections of each instance.", "max"),
            ("pgswarm_instance_disk_used_bytes", "Database size of each instance, in bytes.", "disk"),
        ]
        for (name, help, column) in gauges {
            text.header(name, help, type: "gauge")
            for row in rows {
                let labels = [
                    "satellite_id": try row.decode(String.self, "satellite"),
                    "namespace": try row.decode(String.self, "namespace"),
                    "cluster": try row.decode(String.self, "cluster_name"),
                    "pod": try row.decode(String.self, "pod"),
                ]
                text.sample(name, labels, try row.decode(Double.self, column))
            }
        }
    }
}
