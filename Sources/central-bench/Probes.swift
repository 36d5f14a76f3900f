import BenchSupport
import Foundation
import Postgres
import Synchronization
import Transport

/// Follows sampled satellites' heartbeats to the database: a heartbeat counts as stored when
/// `satellites.last_heartbeat` (central's receive time, batched every second) reaches the time
/// it was sent. The poll period bounds the error of each sample.
final class HeartbeatProbe: Sendable {
    private struct State {
        var pending: [UUID: (wall: Date, at: ContinuousClock.Instant)] = [:]
        var samples: [Double] = []
        var recording = false
    }

    let sampled: Set<UUID>
    private let state = Mutex(State())

    init(sampled: Set<UUID>) {
        self.sampled = sampled
    }

    /// A sampled satellite sent a heartbeat.
    func sent(_ id: UUID, wall: Date, at instant: ContinuousClock.Instant) {
        guard sampled.contains(id) else { return }
        state.withLock { $0.pending[id] = (wall, instant) }
    }

    func record(_ on: Bool) {
        state.withLock { $0.recording = on }
    }

    var samples: [Double] { state.withLock { $0.samples } }

    /// Polls until cancelled.
    func poll(pool: PostgresPool, period: Duration) async {
        let ids = PostgresTextArray(sampled.map { $0.uuidString.lowercased() })
        while !Task.isCancelled {
            do {
                let rows = try await pool.query(
                    "SELECT id, last_heartbeat FROM satellites WHERE id = ANY(\(ids)::uuid[]) AND last_heartbeat IS NOT NULL"
                ).rows
                let observed = ContinuousClock.now
                var stored: [UUID: Date] = [:]
                for row in rows {
                    stored[try row.decode(UUID.self, "id")] = try row.decode(Date.self, "last_heartbeat")
                }
                state.withLock { state in
                    for (id, sent) in state.pending {
                        // Timestamps are stored with microsecond precision.
                        guard let beat = stored[id], beat.timeIntervalSince(sent.wall) >= -0.000_002 else { continue }
                        state.pending[id] = nil
                        if state.recording { state.samples.append((observed - sent.at).milliseconds) }
                    }
                }
            } catch {
                FileHandle.standardError.write(Data("central-bench: heartbeat poll failed: \(error)\n".utf8))
            }
            try? await Task.sleep(for: period)
        }
    }
}

/// `GET /api/v1/clusters` over one keep-alive HTTP/1.1 connection, timed.
final class RESTProbe: Sendable {
    let port: UInt16
    let token: String
    private let state = Mutex<(samples: [Double], bytes: Int, failures: Int)>(([], 0, 0))

    init(port: UInt16, token: String) {
        self.port = port
        self.token = token
    }

    var samples: [Double] { state.withLock { $0.samples } }
    var lastBodyBytes: Int { state.withLock { $0.bytes } }
    var failures: Int { state.withLock { $0.failures } }

    /// Probes every `period` until cancelled.
    func run(path: String, period: Duration) async {
        var connection: TCPConnection?
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                if connection == nil {
                    connection = try await TCPClient.connect(host: "127.0.0.1", port: port, timeout: .seconds(10))
                }
                let (status, bytes) = try await get(path, on: connection!)
                let elapsed = (ContinuousClock.now - started).milliseconds
                state.withLock { state in
                    if status == 200 {
                        state.samples.append(elapsed)
                        state.bytes = bytes
                    } else {
                        state.failures += 1
                    }
                }
            } catch {
                connection?.close()
                connection = nil
                // A request cut short by the end of the window is not a failure.
                if !Task.isCancelled { state.withLock { $0.failures += 1 } }
            }
            try? await Task.sleep(until: started + period, clock: .continuous)
        }
        connection?.close()
    }

    /// One request; returns the status and the body's size.
    private func get(_ path: String, on connection: TCPConnection) async throws -> (Int, Int) {
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n"
        let deadline = Deadline.after(.seconds(30))
        try await connection.write(Array(request.utf8), deadline: deadline)
        var buffer: [UInt8] = []
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let chunk = try await connection.read(maxBytes: 256 * 1024, deadline: deadline)
            guard !chunk.isEmpty else { throw BenchError("connection closed") }
            buffer += chunk
            headerEnd = buffer.firstRange(of: separator)?.upperBound
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { throw BenchError("bad response") }
        guard
            let lengthLine = lines.first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
        else { throw BenchError("response without Content-Length") }
        var body = buffer.count - headerEnd!
        while body < length {
            let chunk = try await connection.read(maxBytes: 1 << 20, deadline: deadline)
            guard !chunk.isEmpty else { throw BenchError("connection closed") }
            body += chunk.count
        }
        return (status, length)
    }
}
