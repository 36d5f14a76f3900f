import Foundation
import Synchronization

/// Counters and histograms central keeps in memory, rendered in the Prometheus text format
/// together with gauges read from the store at scrape time (`MetricsExporter`).
public final class CentralMetrics: Sendable {
    /// Upper bounds of the REST latency buckets, in seconds.
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Histogram {
        var counts: [Int]
        var sum: Double = 0
        var count: Int = 0
    }

    private struct State {
        /// Keyed by (method, route template, status class).
        var requests: [[String]: Histogram] = [:]
        var counters: [String: [[String]: Double]] = [:]
        var openStreams = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// One REST request: `route` is the template (`/api/v1/clusters/{id}`), never the raw path,
    /// so label cardinality stays bounded.
    public func observeRequest(method: String, route: String, status: Int, seconds: Double) {
        let key = [method, route, "\(status / 100)xx"]
        state.withLock { state in
            var histogram =
                state.requests[key] ?? Histogram(counts: Array(repeating: 0, count: Self.latencyBuckets.count))
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound {
                histogram.counts[index] += 1
            }
            histogram.sum += seconds
            histogram.count += 1
            state.requests[key] = histogram
        }
    }

    public func increment(_ name: String, labels: [String] = [], by amount: Double = 1) {
        state.withLock { $0.counters[name, default: [:]][labels, default: 0] += amount }
    }

    public func streamOpened() { state.withLock { $0.openStreams += 1 } }
    public func streamClosed() { state.withLock { $0.openStreams = max(0, $0.openStreams - 1) } }
    public var openStreams: Int { state.withLock { $0.openStreams } }

    /// Label names of each counter, in the order `increment` passes values.
    static let counterHelp: [String: (help: String, labels: [String])] = [
        "pgswarm_events_ingested_total": ("Events stored, by type.", ["type"]),
        "pgswarm_failovers_total": ("Automatic failovers reported (a replica was promoted).", []),
        "pgswarm_switchovers_total": ("Planned switchovers finished, by outcome.", ["result"]),
        "pgswarm_live_clients_dropped_total": ("Live-update clients disconnected for falling behind.", []),
        "pgswarm_config_acks_total": ("Config acknowledgements from satellites, by outcome.", ["result"]),
    ]

    func render(into text: inout PrometheusText) {
        let snapshot = state.withLock { $0 }
        text.header("pgswarm_open_streams", "Open satellite streams.", type: "gauge")
        text.sample("pgswarm_open_streams", [:], Double(snapshot.openStreams))
        for (name, info) in Self.counterHelp.sorted(by: { $0.key < $1.key }) {
            text.header(name, info.help, type: "counter")
            let series = snapshot.counters[name] ?? [:]
            if series.isEmpty && info.labels.isEmpty { text.sample(name, [:], 0) }
            for (labels, value) in series.sorted(by: { $0.key.joined() < $1.key.joined() }) {
                text.sample(name, Dictionary(uniqueKeysWithValues: zip(info.labels, labels)), value)
            }
        }
        let name = "pgswarm_http_request_duration_seconds"
        text.header(name, "REST request latency by method, route template and status class.", type: "histogram")
        for (key, histogram) in snapshot.requests.sorted(by: { $0.key.joined() < $1.key.joined() }) {
            let labels = ["method": key[0], "route": key[1], "status": key[2]]
            for (index, bound) in Self.latencyBuckets.enumerated() {
                text.sample(
                    "\(name)_bucket", labels.merging(["le": "\(bound)"]) { $1 }, Double(histogram.counts[index]))
            }
            text.sample("\(name)_bucket", labels.merging(["le": "+Inf"]) { $1 }, Double(histogram.count))
            text.sample("\(name)_sum", labels, histogram.sum)
            text.sample("\(name)_count", labels, Double(histogram.count))
        }
    }
}

/// Builder for the Prometheus text exposition format (version 0.0.4).
public struct PrometheusText {
    public private(set) var output = ""

    public mutating func header(_ name: String, _ help: String, type: String) {
        output += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    public mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
        output += name
        if !labels.isEmpty {
            let rendered = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }
            output += "{" + rendered.joined(separator: ",") + "}"
        }
        let number = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        output += " \(number)\n"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
