import HTTP1

/// `/healthz` (the process runs), `/readyz` (the metadata store answers), `/metrics`.
struct Probes: Sendable {
    let environment: CentralEnvironment

    func liveness() -> HTTPResponse {
        RESTResponse.json(["status": "ok"])
    }

    func readiness() async -> HTTPResponse {
        let ready = await environment.store.ping()
        return RESTResponse.json(
            ["status": ready ? "ok" : "unavailable", "database": ready ? "ok" : "unreachable"],
            status: ready ? 200 : 503)
    }

    func metrics() async throws -> HTTPResponse {
        let text = try await MetricsExporter(
            store: environment.store, metrics: environment.metrics, live: environment.live
        )
        .render()
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: Array(text.utf8))
    }
}
