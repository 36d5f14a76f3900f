import Foundation
import Testing

@testable import Supervisor

@Suite("Supervisor planning (pure)")
struct PlanningTests {
    static let source = SourceServer(host: "pg-0.pg", port: 5432)

    static func volume(
        cluster: Bool = false, empty: Bool = true, initialized: Bool = false, rebuild: Bool = false,
        standby: Bool = false
    ) -> VolumeState {
        VolumeState(
            hasCluster: cluster, dataDirectoryIsEmpty: empty, wasEverInitialized: initialized,
            rebuildRequested: rebuild,
            isStandby: standby)
    }

    @Test(
        "boot plans",
        arguments: [
            ("an existing cluster starts without asking", volume(cluster: true, empty: false), nil, BootPlan.start),
            (
                "an existing cluster starts even with a directive",
                volume(cluster: true, empty: false, initialized: true),
                BootDirective.clone(source: source), .start
            ),
            (
                "an empty volume waits for the sidecar", volume(), nil,
                .awaitDirective(reason: "no cluster on this volume; waiting for the sidecar to say how to get one")
            ),
            ("an empty new volume may be initialized", volume(), .initialize, .initialize),
            (
                "a volume that held a cluster is never initialized again", volume(initialized: true), .initialize,
                .refuse(reason: "this volume held a cluster before; refusing initdb, clone it from a member instead")
            ),
            ("an empty volume clones when told", volume(initialized: true), .clone(source: source), .clone(source)),
            (
                "a requested rebuild wins over existing data", volume(cluster: true, empty: false, rebuild: true),
                .clone(source: source), .clone(source)
            ),
            (
                "a requested rebuild waits for a source", volume(cluster: true, empty: false, rebuild: true), nil,
                .awaitDirective(reason: "a rebuild was requested; waiting for a source to clone")
            ),
        ] as [(String, VolumeState, BootDirective?, BootPlan)])
    func bootPlans(name: String, volume: VolumeState, directive: BootDirective?, expected: BootPlan) {
        #expect(BootPlanner.plan(volume: volume, directive: directive) == expected, "\(name)")
    }

    @Test("crash restarts back off exponentially and report a crash loop")
    func crashPolicy() {
        let policy = CrashPolicy(initialDelay: 0.2, maximumDelay: 5, stableAfter: 30, crashLoopThreshold: 3)
        #expect(policy.fastExits(after: 0, uptime: 2) == 1)
        #expect(policy.fastExits(after: 4, uptime: 120) == 0, "a long run resets the count")
        #expect([1, 2, 3, 4, 10].map { policy.restartDelay(fastExits: $0) } == [0.2, 0.4, 0.8, 1.6, 5])
        #expect(!policy.isCrashLooping(fastExits: 2))
        #expect(policy.isCrashLooping(fastExits: 3))
    }

    @Test("postgresql.conf: template first, node settings after, upstream only for a standby, quotes doubled")
    func postgresqlConf() {
        let configuration = SupervisorConfiguration(
            volumeRoot: "/v", templateDirectory: "/etc/o'neil", socketDirectory: "/run", nodeName: "pg-1",
            replicationUser: "rep'l")
        let primary = ConfigurationFiles.postgresqlConf(configuration, source: nil)
        let lines = primary.split(separator: "\n")
        #expect(lines[1] == "include_if_exists = '/etc/o''neil/postgresql.conf'")
        #expect(lines.contains("cluster_name = 'pg-1'"))
        #expect(!primary.contains("primary_conninfo"))
        let standby = ConfigurationFiles.postgresqlConf(configuration, source: Self.source)
        let conninfo = ConfigurationFiles.primaryConninfo(configuration, source: Self.source)
        #expect(conninfo.contains("passfile='/v/.pgpass'"))
        #expect(conninfo.contains("user='rep\\'l'"))
        #expect(conninfo.contains("application_name='pg-1'"))
        #expect(standby.contains("primary_conninfo = '\(conninfo.replacingOccurrences(of: "'", with: "''"))'"))
    }

    @Test("a primary's pg_hba.conf is fenced, a standby's is not")
    func hbaFencing() {
        let template = "local all all trust\n"
        #expect(ConfigurationFiles.hba(template: template, fenced: true).contains("host all all all reject"))
        #expect(ConfigurationFiles.hba(template: template, fenced: false) == template)
    }

    @Test("upstream settings copied from another node are stripped from postgresql.auto.conf")
    func autoConfStripping() {
        let text = "# Do not edit\nprimary_conninfo = 'host=old'\nwork_mem = '8MB'\nprimary_slot_name = 's'\n"
        #expect(ConfigurationFiles.withoutUpstreamSettings(text) == "# Do not edit\nwork_mem = '8MB'\n")
    }

    @Test("pgpass fields escape colons and backslashes")
    func pgpass() {
        #expect(ConfigurationFiles.pgpassLine(user: "rep", password: "a:b\\c") == "*:*:*:rep:a\\:b\\\\c\n")
    }
}
