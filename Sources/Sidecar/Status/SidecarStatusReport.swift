import FoundationEssentials

/// What `/status` shows and `/metrics` exports: one snapshot of the sidecar's view.
public struct SidecarStatusReport: Sendable, Equatable, Codable {
    public var member: String
    public var cluster: String
    /// The local server: primary, replica, starting, rebuilding or down.
    public var role: String
    public var leaseHolder: String?
    /// Seconds since this member last saw the lease record change (by its own clock).
    public var leaseAgeSeconds: Double?
    /// We hold a tenure whose deadline has not passed.
    public var holdsLease: Bool
    /// Seconds since the start of our last successful renewal (holders only).
    public var lastRenewalAgeSeconds: Double?
    public var fenced: Bool
    public var timeline: Int
    public var walPosition: String
    public var replayedLSN: String
    /// Promotions of this member (failovers it won) since the sidecar started.
    public var failovers: Int
    /// From the lease becoming free (expired by our clock, or released) to the promotion done.
    public var lastFailoverSeconds: Double?
    public var lastDecision: String?
    /// Seconds every API call has been failing, if they are.
    public var apiFailingSeconds: Double?
    public var cycles: Int
    /// The satellite stream answers (nil: no stream configured).
    public var satelliteConnected: Bool? = nil
    /// Satellite commands answered since the start (nil: no stream configured).
    public var satelliteCommands: Int? = nil
    /// Events waiting for the satellite's acknowledgement (nil: no stream configured).
    public var eventsWaiting: Int? = nil
    /// Events dropped because too many waited (nil: no stream configured).
    public var eventsDropped: Int? = nil

    /// Prometheus text exposition (version 0.0.4).
    public var prometheusText: String {
        let labels = "cluster=\"\(Self.escaped(cluster))\",member=\"\(Self.escaped(member))\""
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ value: Double?, type: String = "gauge") {
            guard let value else { return }
            lines.append("# HELP pgswarm_sidecar_\(name) \(help)")
            lines.append("# TYPE pgswarm_sidecar_\(name) \(type)")
            lines.append("pgswarm_sidecar_\(name){\(labels)} \(Self.number(value))")
        }
        gauge("is_primary", "1 if the local PostgreSQL runs as a primary.", role == "primary" ? 1 : 0)
        gauge("holds_lease", "1 if this member holds a fresh leader lease.", holdsLease ? 1 : 0)
        gauge("fenced", "1 if the local PostgreSQL is fenced.", fenced ? 1 : 0)
        gauge("timeline", "The local PostgreSQL's timeline.", Double(timeline))
        gauge(
            "lease_age_seconds", "Seconds since the lease record last changed, by this member's clock.", leaseAgeSeconds
        )
        gauge(
            "last_renewal_age_seconds", "Seconds since the holder's last successful renewal started.",
            lastRenewalAgeSeconds)
        gauge(
            "failovers_total", "Promotions of this member since the sidecar started.", Double(failovers),
            type: "counter")
        gauge(
            "last_failover_duration_seconds", "From the lease becoming free to the promotion done.", lastFailoverSeconds
        )
        gauge(
            "api_failing_seconds", "Seconds every API call has been failing (0 when healthy).", apiFailingSeconds ?? 0)
        gauge("cycles_total", "Decision cycles run.", Double(cycles), type: "counter")
        gauge(
            "satellite_connected", "1 if the stream to the satellite is established.",
            satelliteConnected.map { $0 ? 1 : 0 })
        gauge(
            "satellite_commands_total", "Satellite commands answered since the start.",
            satelliteCommands.map(Double.init),
            type: "counter")
        gauge(
            "events_waiting", "Events not yet acknowledged by the satellite.", eventsWaiting.map(Double.init))
        gauge(
            "events_dropped_total", "Events dropped because too many waited for the satellite.",
            eventsDropped.map(Double.init), type: "counter")
        return lines.joined(separator: "\n") + "\n"
    }

    static func escaped(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            .replacing("\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
