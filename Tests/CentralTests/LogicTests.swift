import Central
import Foundation
import Testing

private let base = ClusterSpec(
    replicas: 3, postgres: PostgresImageSpec(version: "17"), storage: VolumeSpec(size: "10Gi"),
    pgParams: ["work_mem": "4MB"])

@Suite("Pure logic: classification, validation, crypto")
struct LogicTests {
    let catalog: [String: RestartMode] = [
        "work_mem": .reload, "shared_buffers": .sequentialRestart, "wal_level": .fullRestart,
    ]

    @Test(
        "changes are classified from the catalog with the strongest strategy winning",
        arguments: [
            ("work_mem", "8MB", ApplyStrategy.reload),
            ("shared_buffers", "1GB", .sequentialRestart),
            ("wal_level", "logical", .fullRestart),
            ("unknown_param", "1", .sequentialRestart),
        ])
    func classification(parameter: String, value: String, expected: ApplyStrategy) {
        var changed = base
        changed.pgParams[parameter] = value
        #expect(ChangeClassifier.classify(from: base, to: changed, catalog: catalog).applyStrategy == expected)
    }

    @Test("storage changes are rejected, replica changes are scale-only, nothing is no_change")
    func storageAndScale() {
        var storage = base
        storage.storage.size = "20Gi"
        #expect(ChangeClassifier.classify(from: base, to: storage, catalog: catalog).applyStrategy == .rejected)
        var scaled = base
        scaled.replicas = 5
        let impact = ChangeClassifier.classify(from: base, to: scaled, catalog: catalog)
        #expect(impact.applyStrategy == .scaleOnly && impact.scaleUp)
        #expect(ChangeClassifier.classify(from: base, to: base, catalog: catalog).applyStrategy == .noChange)
        var image = base
        image.postgres.version = "18"
        image.pgParams["work_mem"] = "8MB"
        #expect(ChangeClassifier.classify(from: base, to: image, catalog: catalog).applyStrategy == .fullRestart)
    }

    @Test("names full of quotes, semicolons and control characters are refused")
    func hostileNames() {
        for name in ["a'b", "x; DROP TABLE satellites", "\"q\"", "line\nbreak", "", String(repeating: "a", count: 64)] {
            #expect(!Syntax.isResourceName(name))
            #expect(!Syntax.isClusterName(name))
            #expect(!Syntax.isDatabaseIdentifier(name))
            #expect(!Syntax.isLabelKey(name))
        }
        #expect(Syntax.isResourceName("Edge EU-1"))
        #expect(Syntax.isClusterName("orders-db"))
        #expect(Syntax.isLabelKey("topology.kubernetes.io/region"))
        #expect(Syntax.isCIDR("10.0.0.0/8") && Syntax.isCIDR("::1/128") && !Syntax.isCIDR("10.0.0.0/33"))
        #expect(Syntax.isQuantity("500m") && Syntax.isQuantity("10Gi") && !Syntax.isQuantity("10 Gi"))
    }

    @Test("spec validation reports every broken field with its path")
    func specValidation() {
        var spec = base
        spec.replicas = 0
        spec.storage.size = "lots"
        spec.pgParams["listen_addresses"] = "*"
        spec.pgParams["work_mem"] = "1MB\nfsync = off"
        spec.hbaRules = [HBARuleSpec(type: "host", address: "everywhere", method: "md5")]
        let fields = Set(spec.validationIssues().map(\.field))
        #expect(fields.contains("spec.replicas"))
        #expect(fields.contains("spec.storage.size"))
        #expect(fields.contains("spec.pg_params.listen_addresses"))
        #expect(fields.contains("spec.pg_params.work_mem"))
        #expect(fields.contains("spec.hba_rules[0].address"))
        #expect(base.validationIssues().isEmpty)
    }

    @Test("AES-256-GCM seals and opens, and refuses a wrong key, wrong row or tampering")
    func secretBox() throws {
        let box = try SecretBox(key: Array(repeating: 1, count: 32))
        let sealed = try box.seal(Array("s3cret".utf8), associatedData: Array("row-1".utf8))
        #expect(try box.open(sealed, associatedData: Array("row-1".utf8)) == Array("s3cret".utf8))
        #expect(throws: SecretBoxError.authenticationFailed) {
            try box.open(sealed, associatedData: Array("row-2".utf8))
        }
        var tampered = sealed
        tampered[20] ^= 1
        #expect(throws: SecretBoxError.authenticationFailed) {
            try box.open(tampered, associatedData: Array("row-1".utf8))
        }
        let other = try SecretBox(key: Array(repeating: 2, count: 32))
        #expect(throws: SecretBoxError.authenticationFailed) {
            try other.open(sealed, associatedData: Array("row-1".utf8))
        }
        #expect(throws: SecretBoxError.invalidKey) { try SecretBox(hexKey: "abcd") }
    }

    @Test("SHA-256 matches a published test vector and comparisons are constant-time shaped")
    func digest() {
        #expect(Digest.sha256("abc").hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.constantTimeEquals([1, 2], [1, 2]))
        #expect(!Digest.constantTimeEquals([1, 2], [1, 3]))
        #expect(!Digest.constantTimeEquals([1], [1, 2]))
    }

    @Test("secrets in event data and free text are redacted")
    func scrubbing() {
        #expect(SecretScrubber.scrub(["db_password": "x", "name": "y"]) == ["db_password": "[redacted]", "name": "y"])
        #expect(!SecretScrubber.scrub(text: "connect failed password=hunter2 host=x").contains("hunter2"))
    }

    @Test("label selectors match subsets and an empty selector matches nothing")
    func selectors() {
        #expect(DeploymentRule.matches(selector: ["region": "eu"], labels: ["region": "eu", "tier": "a"]))
        #expect(!DeploymentRule.matches(selector: ["region": "eu"], labels: ["region": "us"]))
        #expect(!DeploymentRule.matches(selector: [:], labels: ["region": "eu"]))
        #expect(!FleetService.selectorIssues(["bad key;": "x"]).isEmpty)
        #expect(!FleetService.selectorIssues([:]).isEmpty)
    }
}
