import Foundation
import GRPC
import SwiftProtobuf
import PGSwarmAPI
import PGSwarmRPC
import Synchronization

/// What a simulated satellite needs to authenticate: its id and token (the database holds only
/// the token's hash), and the cluster it runs.
struct SatelliteIdentity: Sendable {
    let id: UUID
    let token: String
    let name: String
}

/// Counters shared by the whole simulated fleet.
final class FleetCounters: Sendable {
    enum Counter: Int, CaseIterable {
        case connected
        /// First connection attempts that ended (connected or failed): the ramp's progress.
        case settled
        case heartbeatsSent
        case heartbeatAcks
        case reportsSent
        case configAcksSent
        case streamFailures
    }

    private let values = Mutex([Int](repeating: 0, count: Counter.allCases.count))

    func add(_ counter: Counter, _ value: Int = 1) {
        values.withLock { $0[counter.rawValue] += value }
    }

    func value(_ counter: Counter) -> Int {
        values.withLock { $0[counter.rawValue] }
    }
}

/// One satellite: its own gRPC connection and stream, a heartbeat and a 3-instance health
/// report every period at its own phases, config acknowledgements, reconnection after failures.
struct SimulatedSatellite: Sendable {
    let identity: SatelliteIdentity
    let channel: GRPCChannel
    let counters: FleetCounters
    let probe: HeartbeatProbe?
    let epoch: ContinuousClock.Instant
    let period: Duration
    let heartbeatPhase: Duration
    let reportPhase: Duration

    /// Pause before reconnecting after a failed stream.
    static let reconnectPause = Duration.seconds(1)

    /// Runs until cancelled.
    func run() async {
        var first = true
        while !Task.isCancelled {
            let opened = Mutex(false)
            let isFirst = first
            do {
                try await stream {
                    if isFirst { counters.add(.settled) }
                    opened.withLock { $0 = true }
                }
            } catch {
                if !Task.isCancelled { counters.add(.streamFailures) }
            }
            if opened.withLock({ $0 }) { counters.add(.connected, -1) }
            if first && !opened.withLock({ $0 }) { counters.add(.settled) }
            first = false
            try? await Task.sleep(for: Self.reconnectPause)
        }
    }

    private func stream(onOpen: @escaping @Sendable () -> Void) async throws {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(identity.token)")
        try await channel.bidirectionalStreaming(
            SatelliteStreamServiceMethods.connect, options: CallOptions(metadata: metadata)
        ) { call in
            let (outbox, queue) = AsyncStream.makeStream(of: Pgswarm_V1_SatelliteMessage.self)
            queue.yield(hello())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in outbox {
                        if case .heartbeat? = message.payload {
                            probe?.sent(identity.id, wall: Date(), at: ContinuousClock.now)
                        }
                        try await call.write(message)
                    }
                }
                group.addTask {
                    var seq: UInt64 = 0
                    for try await message in call.responses {
                        switch message.payload {
                        case .hello?:
                            counters.add(.connected)
                            onOpen()
                        case .desiredState(let state)?:
                            for config in state.clusters {
                                seq += 1
                                queue.yield(acknowledgement(of: config, seq: seq))
                            }
                        case .clusterConfig(let config)?:
                            seq += 1
                            queue.yield(acknowledgement(of: config, seq: seq))
                        case .heartbeatAck?:
                            counters.add(.heartbeatAcks)
                        default:
                            break
                        }
                    }
                    throw BenchError("central ended the stream")
                }
                group.addTask { try await beat(into: queue) }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Heartbeats and health reports at this satellite's phases, until cancelled.
    private func beat(into queue: AsyncStream<Pgswarm_V1_SatelliteMessage>.Continuation) async throws {
        let now = ContinuousClock.now
        func next(_ phase: Duration) -> ContinuousClock.Instant {
            var instant = epoch + phase
            while instant < now { instant += period }
            return instant
        }
        var heartbeatAt = next(heartbeatPhase)
        var reportAt = next(reportPhase)
        var report = healthReport()
        while true {
            let due = min(heartbeatAt, reportAt)
            try await Task.sleep(until: due, clock: .continuous)
            if due == heartbeatAt {
                var message = Pgswarm_V1_SatelliteMessage()
                message.heartbeat.timestamp = Google_Protobuf_Timestamp(date: Date())
                queue.yield(message)
                counters.add(.heartbeatsSent)
                heartbeatAt += period
            } else {
                report.timestamp = Google_Protobuf_Timestamp(date: Date())
                var message = Pgswarm_V1_SatelliteMessage()
                message.healthReport = report
                queue.yield(message)
                counters.add(.reportsSent)
                reportAt += period
            }
        }
    }

    private func hello() -> Pgswarm_V1_SatelliteMessage {
        var message = Pgswarm_V1_SatelliteMessage()
        message.hello.satelliteVersion = "0.1.0-bench"
        message.hello.sessionID = UUID().uuidString.lowercased()
        message.hello.k8SClusterName = identity.name
        return message
    }

    private func acknowledgement(of config: Pgswarm_V1_ClusterConfig, seq: UInt64) -> Pgswarm_V1_SatelliteMessage {
        counters.add(.configAcksSent)
        var message = Pgswarm_V1_SatelliteMessage()
        message.seq = seq
        message.configAck.clusterName = config.clusterName
        message.configAck.namespace = config.namespace
        message.configAck.configVersion = config.configVersion
        message.configAck.success = true
        message.configAck.strategy = .noChange
        message.configAck.timestamp = Google_Protobuf_Timestamp(date: Date())
        return message
    }

    /// A primary and two streaming replicas, with the fields a real health monitor fills in.
    private func healthReport() -> Pgswarm_V1_ClusterHealthReport {
        var report = Pgswarm_V1_ClusterHealthReport()
        report.clusterName = FleetSeeder.clusterName
        report.namespace = "default"
        report.state = .running
        report.leaseHolder = "\(FleetSeeder.clusterName)-0"
        report.appliedConfigVersion = 1
        report.instances = (0..<3).map { index in
            var instance = Pgswarm_V1_InstanceHealth()
            instance.podName = "\(FleetSeeder.clusterName)-\(index)"
            instance.role = index == 0 ? .primary : .replica
            instance.ready = true
            instance.replicationLagBytes = index == 0 ? 0 : 4_096
            if index > 0 { instance.replicationLagSeconds = 0.02 }
            instance.connectionsUsed = 12
            instance.connectionsMax = 100
            instance.connectionsActive = 3
            instance.diskUsedBytes = 1_073_741_824
            instance.timelineID = 1
            instance.walReceiverActive = index > 0
            instance.postgresVersion = "17.9"
            instance.indexHitRatio = 0.99
            instance.txnCommitRatio = 0.999
            instance.currentWalLsn = 0x300_0060
            return instance
        }
        return report
    }
}
