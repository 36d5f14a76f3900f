import Failover
import Foundation
import Kube
import Postgres
import Supervisor
import Testing

@testable import Sidecar

@Suite("Sidecar conversions")
struct ConversionTests {
    static let record = LeaseRecord(
        holder: "pg-0", leaseDuration: .seconds(15), acquireTime: LeaseTimestamp("2026-01-02T03:04:05.123456Z"),
        renewTime: LeaseTimestamp("2026-01-02T03:04:07.000001Z"), transitions: 3, resourceVersion: "42")

    @Test("a lease record survives the round trip through a Kubernetes Lease")
    func leaseRoundTrip() {
        let lease = LeaseConversion.lease(
            Self.record, name: "c-leader", namespace: "ns", labels: ["pg-swarm.io/cluster": "c"], base: nil,
            resourceVersion: "42")
        #expect(lease.metadata.name == "c-leader" && lease.metadata.labels?["pg-swarm.io/cluster"] == "c")
        #expect(LeaseConversion.record(from: lease) == Self.record)
    }

    @Test("durations are stored in whole seconds rounded up, so observers never wait less")
    func durationRoundsUp() {
        var record = Self.record
        record.leaseDuration = .milliseconds(4500)
        let lease = LeaseConversion.lease(
            record, name: "c-leader", namespace: "ns", labels: [:], base: nil, resourceVersion: nil)
        #expect(lease.spec?.value.leaseDurationSeconds == 5)
        #expect(LeaseConversion.wholeSecondsRoundedUp(.seconds(5)) == 5)
    }

    @Test("who released a lease travels in the released-by annotation, and only while nobody holds it")
    func releasedBy() {
        let released = LeaseRecord(holder: nil, leaseDuration: .seconds(1), releasedBy: "pg-0", resourceVersion: "7")
        let lease = LeaseConversion.lease(
            released, name: "c-leader", namespace: "ns", labels: [:], base: nil, resourceVersion: "7")
        #expect(lease.metadata.annotations?["pg-swarm.io/released-by"] == "pg-0")
        #expect(LeaseConversion.record(from: lease) == released)
        let retaken = LeaseConversion.lease(
            Self.record, name: "c-leader", namespace: "ns", labels: [:], base: lease, resourceVersion: "7")
        #expect(retaken.metadata.annotations?["pg-swarm.io/released-by"] == nil)
    }

    @Test("a write keeps what the base object carries that the election does not model")
    func keepsBase() {
        var base = LeaseConversion.lease(
            Self.record, name: "c-leader", namespace: "ns", labels: ["a": "1"], base: nil, resourceVersion: "1")
        base.metadata.annotations = ["note": "kept"]
        let written = LeaseConversion.lease(
            Self.record, name: "c-leader", namespace: "ns", labels: ["b": "2"], base: base, resourceVersion: "1")
        #expect(written.metadata.annotations?["note"] == "kept")
        #expect(written.metadata.labels == ["a": "1", "b": "2"])
    }

    @Test("a member document survives the round trip through its JSON annotation")
    func memberDocumentRoundTrip() throws {
        let status = MemberStatus(
            member: "pg-1", sequence: 9, role: .replica, healthy: true, fenced: false, timeline: 2,
            walPosition: LSN(rawValue: 0x1_0000_0010), replayedLSN: LSN(rawValue: 0x1_0000_0008),
            synchronousStandbys: [], publishedAt: LeaseTimestamp("2026-01-02T03:04:05.000000Z"))
        let document = MemberDocument(
            status: status, postgres: SourceServer(host: "10.0.0.2", port: 5432), statusAddress: "10.0.0.2:8008")
        let text = try document.encoded()
        #expect(text.contains("\"walPosition\":\"1/10\""))
        #expect(try MemberDocument.decode(text) == document)
        #expect(throws: MemberDocumentError.self) {
            _ = try MemberDocument.decode(text.replacingOccurrences(of: "\"replica\"", with: "\"leader\""))
        }
    }

    @Test("the status report renders as Prometheus text with escaped labels")
    func prometheus() {
        let report = SidecarStatusReport(
            member: "pg-\"0", cluster: "c", role: "primary", leaseHolder: "pg-0", leaseAgeSeconds: 0.5,
            holdsLease: true,
            lastRenewalAgeSeconds: 1.25, fenced: false, timeline: 3, walPosition: "0/1", replayedLSN: "0/1",
            failovers: 2, lastFailoverSeconds: nil, lastDecision: "x", apiFailingSeconds: nil, cycles: 10)
        let text = report.prometheusText
        #expect(text.contains("pgswarm_sidecar_is_primary{cluster=\"c\",member=\"pg-\\\"0\"} 1\n"))
        #expect(text.contains("pgswarm_sidecar_timeline{cluster=\"c\",member=\"pg-\\\"0\"} 3\n"))
        #expect(text.contains("pgswarm_sidecar_last_renewal_age_seconds{cluster=\"c\",member=\"pg-\\\"0\"} 1.25\n"))
        #expect(text.contains("# TYPE pgswarm_sidecar_failovers_total counter"))
        #expect(!text.contains("last_failover_duration"), "absent values are not exported")
    }

    @Test("a failsafe answer counts only as a 200 with confirmed true")
    func failsafeAnswers() {
        let yes = Array("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"confirmed\":true}".utf8)
        let no = Array("HTTP/1.1 200 OK\r\n\r\n{\"confirmed\":false,\"reason\":\"x\"}".utf8)
        let error = Array("HTTP/1.1 500 Oops\r\n\r\n{\"confirmed\":true}".utf8)
        #expect(HTTPFailsafePeers.isConfirmation(yes))
        #expect(!HTTPFailsafePeers.isConfirmation(no))
        #expect(!HTTPFailsafePeers.isConfirmation(error))
    }
}
