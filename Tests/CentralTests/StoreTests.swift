import Central
import Foundation
import Logging
import Postgres
import Testing

@Suite("Metadata store on a real PostgreSQL")
struct StoreTests {
    @Test("migrations apply from empty and a second run applies nothing")
    func migrationsIdempotent() async throws {
        let conninfo = try await TestDatabaseServer.freshDatabase()
        let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: conninfo))
        let migrator = Migrator(logger: Logger(label: "test"))
        #expect(try await migrator.migrate(pool) == [1, 2])
        #expect(try await migrator.migrate(pool) == [])
        let parameters = try await MetadataStore(pool: pool).parameters()
        #expect(parameters.count >= 50)
        #expect(parameters.first { $0.name == "wal_level" }?.restartMode == .fullRestart)
        #expect(parameters.first { $0.name == "shared_buffers" }?.restartMode == .sequentialRestart)
        #expect(parameters.first { $0.name == "work_mem" }?.restartMode == .reload)
        await pool.close()
    }

    @Test("a changed migration is refused instead of silently diverging")
    func checksumMismatch() async throws {
        let conninfo = try await TestDatabaseServer.freshDatabase()
        let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: conninfo))
        try await Migrator(logger: Logger(label: "test")).migrate(pool)
        var altered = Migration.all
        altered[0] = Migration(version: 1, name: "initial schema", sql: "SELECT 1")
        await #expect(throws: StoreError.migrationChecksumMismatch(version: 1)) {
            try await Migrator(migrations: altered, logger: Logger(label: "test")).migrate(pool)
        }
        await pool.close()
    }

    @Test("two centrals starting at the same moment on one database both come up, with one admin token")
    func concurrentStart() async throws {
        let conninfo = try await TestDatabaseServer.freshDatabase()
        var configuration = CentralConfiguration(databaseURL: conninfo)
        configuration.httpHost = "127.0.0.1"
        configuration.httpPort = 0
        async let first = CentralApp.start(configuration, logger: Logger(label: "a"))
        async let second = CentralApp.start(configuration, logger: Logger(label: "b"))
        let apps = try await [first, second]
        #expect(apps.compactMap(\.createdAdminToken).count == 1)
        #expect(try await apps[0].environment.store.apiTokenCount() == 1)
        for app in apps {
            #expect(await app.environment.store.ping())
            await app.shutdown()
        }
    }

    @Test("events are stored once per id, filtered, paginated and pruned")
    func events() async throws {
        let central = try await TestCentral.start()
        defer { Task { await central.close() } }
        let id = UUID()
        let now = Date()
        for (index, severity) in [EventSeverity.info, .warning, .critical].enumerated() {
            let event = NewEvent(
                id: index == 0 ? id : UUID(), type: "cluster.state_changed", severity: severity, satelliteID: nil,
                clusterName: "c\(index % 2)", message: "m\(index)", occurredAt: now)
            try await central.store.insertEvent(event)
        }
        #expect(
            try await central.store.insertEvent(
                NewEvent(id: id, type: "x", severity: .info, satelliteID: nil, message: "dup", occurredAt: now)) == nil)
        #expect(try await central.store.events(EventQuery(minimumSeverity: .warning)).count == 2)
        #expect(try await central.store.events(EventQuery(clusterName: "c0")).count == 2)
        let page = try await central.store.events(EventQuery(limit: 2))
        #expect(page.count == 2)
        #expect(try await central.store.events(EventQuery(before: page.last!.seq, limit: 2)).count == 1)
        #expect(try await central.store.pruneEvents(receivedBefore: now.addingTimeInterval(3600)) == 3)
    }
}
