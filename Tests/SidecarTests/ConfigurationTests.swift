import Failover
import Postgres
import Supervisor
import Testing

@testable import Sidecar

@Suite("Sidecar configuration and bootstrap")
struct ConfigurationTests {
    static func make(
        namespace: String = "db", cluster: String = "orders", pod: String = "orders-0",
        postgres: SourceServer = SourceServer(host: "10.0.0.1", port: 5432), apiTimeout: Duration? = nil,
        hbaFile: String = "/v/conf/pg_hba.conf"
    ) throws -> SidecarConfiguration {
        try SidecarConfiguration(
            namespace: namespace, clusterName: cluster,
            failover: try FailoverConfiguration(identity: pod, leaseName: "\(cluster)-leader"),
            advertisedPostgres: postgres, advertisedStatusAddress: "10.0.0.1:8008",
            localPostgres: LocalPostgresSettings(socketDirectory: "/run/pg", hbaFile: hbaFile),
            supervisorSocket: "/run/pg/s.sock", apiTimeout: apiTimeout)
    }

    @Test("a valid configuration names its leases and knows its ordinal")
    func valid() throws {
        let configuration = try Self.make()
        #expect(configuration.leaderLeaseName == "orders-leader")
        #expect(configuration.memberLeaseName("orders-1") == "orders-member-orders-1")
        #expect(configuration.ordinal == 0)
        #expect(configuration.apiTimeout == .seconds(5), "renew deadline / 2 by default")
        #expect(configuration.localPostgres.conninfo == "host='/run/pg' port=5432 user='postgres' dbname=postgres")
    }

    @Test("each rule has its own error")
    func rules() {
        #expect(throws: SidecarConfigurationError.invalidNamespace("Bad_NS")) { _ = try Self.make(namespace: "Bad_NS") }
        #expect(throws: SidecarConfigurationError.invalidClusterName("x/y")) { _ = try Self.make(cluster: "x/y") }
        #expect(throws: SidecarConfigurationError.invalidPodName("-pod")) { _ = try Self.make(pod: "-pod") }
        #expect(throws: SidecarConfigurationError.invalidAdvertisedPostgres) {
            _ = try Self.make(postgres: SourceServer(host: "", port: 5432))
        }
        #expect(throws: SidecarConfigurationError.apiTimeoutTooLong) { _ = try Self.make(apiTimeout: .seconds(6)) }
        #expect(throws: SidecarConfigurationError.localPostgresIncomplete) { _ = try Self.make(hbaFile: "") }
    }

    static func document(_ member: String, role: MemberRole, timeline: Int, healthy: Bool = true) -> MemberDocument {
        MemberDocument(
            status: MemberStatus(
                member: member, sequence: 1, role: role, healthy: healthy, fenced: false, timeline: timeline,
                walPosition: .zero, replayedLSN: .zero),
            postgres: SourceServer(host: member, port: 5432), statusAddress: member + ":8008")
    }

    static let held = LeaseRecord(holder: "pg-0", leaseDuration: .seconds(15), resourceVersion: "1")

    @Test(
        "an empty volume is initialized only on ordinal 0 of a cluster without history",
        arguments: [
            ("a brand-new cluster, ordinal 0", ClusterReading(lease: nil, members: []), 0, BootDirective.initialize),
            ("a brand-new cluster, ordinal 1 waits", ClusterReading(lease: nil, members: []), 1, nil),
            (
                "members that never ran PostgreSQL do not count",
                ClusterReading(lease: nil, members: [document("pg-1", role: .down, timeline: 0)]), 0, .initialize
            ),
            (
                "a member with data but no lease: wait, never initialize",
                ClusterReading(lease: nil, members: [document("pg-1", role: .replica, timeline: 2)]), 0, nil
            ),
            (
                "clone from the healthy primary holding the lease",
                ClusterReading(lease: held, members: [document("pg-0", role: .primary, timeline: 1)]), 1,
                .clone(source: SourceServer(host: "pg-0", port: 5432))
            ),
            (
                "ordinal 0 with a lease held elsewhere clones",
                ClusterReading(
                    lease: LeaseRecord(holder: "pg-2", leaseDuration: .seconds(15), resourceVersion: "3"),
                    members: [document("pg-2", role: .primary, timeline: 4)]), 0,
                .clone(source: SourceServer(host: "pg-2", port: 5432))
            ),
            (
                "a holder that is not running as primary yet: wait",
                ClusterReading(lease: held, members: [document("pg-0", role: .starting, timeline: 1)]), 1, nil
            ),
        ] as [(String, ClusterReading, Int, BootDirective?)])
    func bootDirectives(name: String, reading: ClusterReading, ordinal: Int, expected: BootDirective?) {
        let me = "pg-\(ordinal)"
        #expect(SidecarShell.bootDirective(reading, me: me, ordinal: ordinal) == expected, "\(name)")
    }
}
