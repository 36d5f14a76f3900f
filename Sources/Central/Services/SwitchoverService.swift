public import Foundation
import Logging
public import PGSwarmAPI
import SwiftProtobuf

/// Planned switchovers: requested over REST, run by the satellite, progress persisted and
/// relayed live. Operations live in the store, so a restart of central loses none (the Go
/// original forgot them after 5 minutes while the satellite still waited).
public struct SwitchoverService: Sendable {
    let environment: CentralEnvironment
    let events: EventLog

    public init(environment: CentralEnvironment) {
        self.environment = environment
        events = EventLog(environment: environment)
    }

    var store: MetadataStore { environment.store }

    public func request(clusterID: UUID, targetPod: String, interactive: Bool) async throws -> SwitchoverOperation {
        var check = Validator()
        check.check(targetPod.isEmpty || Syntax.isDNSSubdomain(targetPod), "target_pod", "must be a pod name")
        try check.finish()
        guard let cluster = try await store.cluster(clusterID) else { throw APIError.notFound("cluster") }
        guard !cluster.deleteRequested, !cluster.paused else {
            throw APIError.conflict("cluster is \(cluster.deleteRequested ? "being deleted" : "paused")")
        }
        guard await environment.commands.isConnected(cluster.satelliteID) else {
            throw APIError.conflict("the cluster's satellite is not connected")
        }
        guard
            let operation = try await store.createSwitchover(
                clusterID: clusterID, satelliteID: cluster.satelliteID, targetPod: targetPod, interactive: interactive)
        else { throw APIError.conflict("a switchover of this cluster is already in progress") }
        var request = Pgswarm_V1_SwitchoverRequest()
        request.clusterName = cluster.name
        request.namespace = cluster.namespace
        request.targetPod = targetPod
        request.operationID = operation.id.uuidString.lowercased()
        request.interactive = interactive
        var message = Pgswarm_V1_CentralMessage()
        message.switchoverRequest = request
        guard await environment.commands.send(message, to: cluster.satelliteID) else {
            _ = try await store.finishSwitchover(
                operation.id, status: "failed", newPrimary: "", oldPrimary: "", error: "satellite disconnected",
                rolledBack: false)
            throw APIError.conflict("the cluster's satellite disconnected")
        }
        environment.live.publish("switchover.progress", operation)
        await events.central(
            "switchover.requested", .info, satelliteID: cluster.satelliteID, clusterName: cluster.name,
            namespace: cluster.namespace, message: "switchover requested",
            data: ["target_pod": targetPod, "interactive": "\(interactive)"], operationID: request.operationID)
        return operation
    }

    /// Answers a step waiting for confirmation; 409 when the operation is not waiting.
    public func decide(clusterID: UUID, operationID: UUID, continuing: Bool) async throws -> SwitchoverOperation {
        guard let operation = try await store.switchover(operationID), operation.clusterID == clusterID else {
            throw APIError.notFound("switchover operation")
        }
        guard let cluster = try await store.cluster(clusterID) else { throw APIError.notFound("cluster") }
        if continuing {
            guard operation.status == "waiting_for_confirmation" else {
                throw APIError.conflict("the switchover is not waiting for confirmation (\(operation.status))")
            }
        } else {
            guard !operation.isFinished else { throw APIError.conflict("the switchover already finished") }
        }
        var decision = Pgswarm_V1_SwitchoverDecision()
        decision.operationID = operationID.uuidString.lowercased()
        decision.clusterName = cluster.name
        decision.namespace = cluster.namespace
        decision.step = Self.step(named: operation.waitingStep.isEmpty ? operation.currentStep : operation.waitingStep)
        decision.decision = continuing ? .continue : .abort
        var message = Pgswarm_V1_CentralMessage()
        message.switchoverDecision = decision
        guard await environment.commands.send(message, to: operation.satelliteID) else {
            throw APIError.conflict("the cluster's satellite is not connected")
        }
        return operation
    }

    /// A SwitchoverProgress from the satellite (idempotent).
    public func onProgress(_ progress: Pgswarm_V1_SwitchoverProgress, satelliteID: UUID) async throws {
        guard let id = UUID(uuidString: progress.operationID),
            let operation = try await store.switchover(id), operation.satelliteID == satelliteID
        else {
            environment.logger.warning(
                "progress for an unknown switchover", metadata: ["operation.id": "\(progress.operationID)"])
            return
        }
        let step = SwitchoverOperation.Step(
            step: ProtoNames.snake(progress.step), status: ProtoNames.snake(progress.status),
            targetPod: progress.targetPod, errorMessage: SecretScrubber.scrub(text: progress.errorMessage),
            pointOfNoReturn: progress.pointOfNoReturn, detail: progress.detail,
            at: progress.hasTimestamp ? progress.timestamp.date : environment.now())
        if let updated = try await store.recordSwitchoverProgress(
            operation.id, step: step, oldPrimary: progress.oldPrimaryPod)
        {
            environment.live.publish("switchover.progress", updated)
        }
    }

    /// A SwitchoverResult from the satellite (idempotent: the first outcome stays).
    public func onResult(_ result: Pgswarm_V1_SwitchoverResult, satelliteID: UUID) async throws {
        guard let id = UUID(uuidString: result.operationID),
            let operation = try await store.switchover(id), operation.satelliteID == satelliteID
        else { return }
        // An aborted run also ends unsuccessfully; `rolled_back` tells whether the old primary is back.
        let finalStatus = result.success ? "succeeded" : "failed"
        guard
            let updated = try await store.finishSwitchover(
                operation.id, status: finalStatus, newPrimary: result.newPrimaryPod, oldPrimary: result.oldPrimaryPod,
                error: SecretScrubber.scrub(text: result.errorMessage), rolledBack: result.rolledBack)
        else { return }
        environment.metrics.increment("pgswarm_switchovers_total", labels: [finalStatus])
        environment.live.publish("switchover.progress", updated)
    }

    static func step(named name: String) -> Pgswarm_V1_SwitchoverStep {
        let all: [Pgswarm_V1_SwitchoverStep] = [
            .verifyTarget, .findPrimary, .checkStatus, .checkpoint, .fencePrimary, .waitForCatchup, .transferLease,
            .promote, .labelPods, .renewLease,
        ]
        return all.first { ProtoNames.snake($0) == name } ?? .unspecified
    }
}
