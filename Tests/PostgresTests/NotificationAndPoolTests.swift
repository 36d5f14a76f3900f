import Postgres
import PostgresTestSupport
import Synchronization
import Testing

@Suite("LISTEN/NOTIFY and the connection pool")
struct NotificationAndPoolTests {
    @Test("LISTEN/NOTIFY delivers payloads in order, even on a channel with a hostile name")
    func notifications() async throws {
        let listener = try await SharedServer.connect()
        let sender = try await SharedServer.connect()
        let channel = "chan \"; DROP TABLE x; --"
        let stream = try await listener.notifications(on: channel)
        for payload in ["one", "twö", "three"] {
            try await sender.query("SELECT pg_notify(\(channel), \(payload))")
        }
        let received = try await withTimeout(.seconds(30)) {
            var received: [PostgresNotification] = []
            for try await notification in stream {
                received.append(notification)
                if received.count == 3 { break }
            }
            return received
        }
        #expect(received.map(\.payload) == ["one", "twö", "three"])
        let senderPID = await sender.backendPID
        #expect(received.allSatisfy { $0.channel == channel && $0.senderPID == senderPID })
    }

    @Test("a pool of 8 serves 1,000 concurrent queries while other tasks keep running")
    func poolUnderLoad() async throws {
        let node = try await SharedServer.shared.node()
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: node.tcpConninfo()), maximumConnections: 8,
            acquireTimeout: 60)
        let ticks = Atomic<Int>(0)
        let done = Atomic<Bool>(false)
        // If libpq calls blocked the cooperative pool (2 threads here), this task would starve.
        let ticker = Task {
            while !done.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(5))
                ticks.add(1, ordering: .relaxed)
            }
        }
        let results = try await withThrowingTaskGroup(of: (Int, Int, Int32).self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let row = try await pool.query("SELECT \(index) AS v, pg_backend_pid() AS pid, pg_sleep(0.002)")
                        .singleRow()
                    return (index, try row!.decode(Int.self, "v"), try row!.decode(Int32.self, "pid"))
                }
            }
            var collected: [(Int, Int, Int32)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        let ticksDuringLoad = ticks.load(ordering: .relaxed)
        done.store(true, ordering: .relaxed)
        _ = try? await ticker.value
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0.0 == $0.1 })
        #expect(Set(results.map(\.2)).count <= 8)
        #expect(ticksDuringLoad >= 10, "the ticker made \(ticksDuringLoad) steps during the load")
        let statistics = await pool.statistics
        #expect(statistics.inUse == 0 && statistics.waiting == 0 && statistics.idle <= 8)
        await pool.close()
    }

    @Test("a pool replaces a session the server killed")
    func poolHeals() async throws {
        let node = try await SharedServer.shared.node()
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: node.tcpConninfo()), maximumConnections: 1)
        let pid = try await pool.query("SELECT pg_backend_pid() AS pid").singleRow()!.decode(Int32.self, "pid")
        let admin = try await SharedServer.connect()
        try await admin.query("SELECT pg_terminate_backend(\(pid), 5000)")
        // The first use may find the dead session; the pool must then open a new one.
        _ = try? await pool.query("SELECT 1")
        let again = try await pool.query("SELECT pg_backend_pid() AS pid").singleRow()!.decode(Int32.self, "pid")
        #expect(again != pid)
        await pool.close()
    }
}
