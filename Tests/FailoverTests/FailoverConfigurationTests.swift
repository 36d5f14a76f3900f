import Testing

@testable import Failover

/// One test per rule (client-go's `TestLeaderElectionConfigValidation`).
@Suite("Failover configuration is validated at construction")
struct FailoverConfigurationTests {
    private func make(
        identity: String = "pg-0", leaseName: String = "orders-leader", leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), drift: Int = 10_000,
        fenceTimeout: Duration = .seconds(2), maxLag: Int = 1 << 20, failsafe: FailsafeMode = .off,
        members: [String] = [], repairTimeout: Duration = .seconds(30), restarts: Int = 3,
        statusTimeout: Duration? = nil, handoverTimeout: Duration = .seconds(5)
    ) throws(FailoverConfigurationError) -> FailoverConfiguration {
        try FailoverConfiguration(
            identity: identity, leaseName: leaseName, leaseDuration: leaseDuration, renewDeadline: renewDeadline,
            retryPeriod: retryPeriod, maxClockRateDriftPartsPerMillion: drift, fenceTimeout: fenceTimeout,
            maxLagOnFailover: maxLag, failsafeMode: failsafe, members: members, primaryRepairTimeout: repairTimeout,
            maxPrimaryRestarts: restarts, memberStatusTimeout: statusTimeout, handoverTimeout: handoverTimeout)
    }

    @Test("the defaults are client-go's 15 s / 10 s / 2 s and valid")
    func defaults() throws {
        let configuration = try FailoverConfiguration(identity: "pg-0", leaseName: "orders-leader")
        #expect(configuration.leaseDuration == .seconds(15))
        #expect(configuration.renewDeadline == .seconds(10))
        #expect(configuration.retryPeriod == .seconds(2))
        #expect(configuration.memberStatusTimeout == .seconds(6))
        #expect(configuration.synchronousMode == .off)
        #expect(configuration.failsafeMode == .off)
        #expect(configuration.fenceCompletesBeforeExpiry)
    }

    @Test("the identity must not be empty")
    func identity() {
        #expect(throws: FailoverConfigurationError.identityEmpty) { try make(identity: "") }
    }

    @Test("the lease name must not be empty")
    func leaseName() {
        #expect(throws: FailoverConfigurationError.leaseNameEmpty) { try make(leaseName: "") }
    }

    @Test("the retry period must be positive")
    func retryPeriod() {
        #expect(throws: FailoverConfigurationError.retryPeriodNotPositive) { try make(retryPeriod: .zero) }
    }

    @Test("the renew deadline must exceed 1.2 × the retry period")
    func renewDeadlineAboveJitteredRetry() {
        #expect(throws: FailoverConfigurationError.renewDeadlineNotAboveJitteredRetryPeriod) {
            try make(renewDeadline: .milliseconds(2400), retryPeriod: .seconds(2))
        }
        #expect(throws: Never.self) { try make(renewDeadline: .milliseconds(2401), retryPeriod: .seconds(2)) }
    }

    @Test("the lease duration must exceed the renew deadline")
    func leaseAboveDeadline() {
        #expect(throws: FailoverConfigurationError.leaseDurationNotAboveRenewDeadline) {
            try make(leaseDuration: .seconds(10), renewDeadline: .seconds(10))
        }
    }

    @Test("the clock drift bound must lie in 0..<200000 ppm")
    func driftRange() {
        #expect(throws: FailoverConfigurationError.clockRateDriftOutOfRange) { try make(drift: -1) }
        #expect(throws: FailoverConfigurationError.clockRateDriftOutOfRange) { try make(drift: 200_000) }
    }

    @Test("the fence timeout must be positive")
    func fenceTimeout() {
        #expect(throws: FailoverConfigurationError.fenceTimeoutNotPositive) { try make(fenceTimeout: .zero) }
    }

    @Test("the holder must be fenced before any peer may see its lease expire, at the stated drift")
    func fenceMargin() {
        // (10 + 2) × 1.01 / 0.99 = 12.24 < 15; (10 + 4.8) × 1.01 / 0.99 = 15.1 ≥ 15.
        #expect(throws: Never.self) { try make(fenceTimeout: .seconds(2)) }
        #expect(throws: FailoverConfigurationError.fenceMarginTooSmall) {
            try make(fenceTimeout: .milliseconds(4800))
        }
        // The same timings fail once clocks may drift by 11.2 %.
        #expect(throws: FailoverConfigurationError.fenceMarginTooSmall) { try make(drift: 112_000) }
        #expect(throws: Never.self) { try make(drift: 110_000) }
    }

    @Test("the maximum lag must not be negative")
    func maxLag() {
        #expect(throws: FailoverConfigurationError.maxLagNegative) { try make(maxLag: -1) }
        #expect(throws: Never.self) { try make(maxLag: 0) }
    }

    @Test("failsafe mode needs the full member list")
    func failsafeMembers() {
        #expect(throws: FailoverConfigurationError.failsafeWithoutMembers) { try make(failsafe: .on) }
        #expect(throws: FailoverConfigurationError.failsafeWithoutMembers) {
            try make(failsafe: .on, members: ["pg-1", "pg-2"])
        }
        #expect(throws: Never.self) { try make(failsafe: .on, members: ["pg-0", "pg-1"]) }
    }

    @Test("the primary repair budget must not be empty")
    func repairBudget() {
        #expect(throws: FailoverConfigurationError.primaryRepairBudgetEmpty) { try make(repairTimeout: .zero) }
        #expect(throws: FailoverConfigurationError.primaryRepairBudgetEmpty) { try make(restarts: 0) }
    }

    @Test("the member status timeout must exceed the retry period")
    func statusTimeout() {
        #expect(throws: FailoverConfigurationError.memberStatusTimeoutNotAboveRetryPeriod) {
            try make(statusTimeout: .seconds(2))
        }
    }

    @Test("the handover timeout must be positive")
    func handoverTimeout() {
        #expect(throws: FailoverConfigurationError.handoverTimeoutNotPositive) { try make(handoverTimeout: .zero) }
    }

    @Test("every rule's message names its setting")
    func messages() {
        #expect(FailoverConfigurationError.fenceMarginTooSmall.description.contains("lease duration"))
        #expect(FailoverConfigurationError.identityEmpty.description.contains("identity"))
    }
}
