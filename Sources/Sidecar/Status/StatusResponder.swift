import Failover
import FoundationEssentials
public import HTTP1

/// The sidecar's local port: `GET /metrics` (Prometheus), `GET /status` (JSON), `GET /healthz`,
/// and `POST /failsafe` (a peer primary asking for confirmation in failsafe mode).
public struct StatusResponder: HTTPResponder {
    let shell: SidecarShell
    /// The satellite stream's counters; nil when no satellite is configured.
    let link: SatelliteLinkStatistics?
    /// The events for the satellite; nil when no satellite is configured.
    let events: EventOutbox?

    public init(shell: SidecarShell, link: SatelliteLinkStatistics? = nil, events: EventOutbox? = nil) {
        self.shell = shell
        self.link = link
        self.events = events
    }

    func report() async -> SidecarStatusReport {
        var report = await shell.statusReport()
        if let link {
            report.satelliteConnected = link.isConnected
            report.satelliteCommands = link.commandsAnswered
        }
        if let events {
            let counts = events.counts
            report.eventsWaiting = counts.waiting
            report.eventsDropped = counts.dropped
        }
        return report
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        switch (request.method, String(request.path)) {
        case ("GET", "/metrics"):
            let current = await report()
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "text/plain; version=0.0.4"],
                body: Array(current.prometheusText.utf8))
        case ("GET", "/status"):
            return Self.json(200, await report())
        case ("GET", "/healthz"):
            let healthy = await shell.isHealthy()
            return HTTPResponse(
                status: healthy ? 200 : 503, headers: ["Content-Type": "text/plain"],
                body: Array((healthy ? "ok\n" : "leader has not renewed its lease\n").utf8))
        case ("POST", "/failsafe"):
            guard let asked = try? JSONDecoder().decode(FailsafeRequest.self, from: Data(request.body)),
                !asked.primary.isEmpty
            else { return Self.json(400, FailsafeAnswerBody(confirmed: false, reason: "malformed request")) }
            switch await shell.answerFailsafe(from: asked.primary) {
            case .confirmed: return Self.json(200, FailsafeAnswerBody(confirmed: true))
            case .refused(let reason): return Self.json(200, FailsafeAnswerBody(confirmed: false, reason: reason))
            }
        case (_, "/metrics"), (_, "/status"), (_, "/healthz"), (_, "/failsafe"):
            return HTTPResponse(
                status: 405, headers: ["Content-Type": "text/plain"], body: Array("method not allowed\n".utf8))
        default:
            return HTTPResponse(status: 404, headers: ["Content-Type": "text/plain"], body: Array("not found\n".utf8))
        }
    }

    static func json(_ status: Int, _ value: some Encodable) -> HTTPResponse {
        let body = (try? JSONEncoder.sorted.encode(value)) ?? Data("{}".utf8)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(body))
    }
}
