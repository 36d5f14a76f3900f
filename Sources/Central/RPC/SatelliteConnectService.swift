public import GRPC
import Foundation
import Logging
import PGSwarmAPI
import PGSwarmRPC
import Synchronization

/// `pgswarm.v1.SatelliteStreamService.Connect`: one satellite's long-lived stream, following
/// satellite_stream.proto. The satellite was authenticated by `SatelliteTokenInterceptor`.
///
/// 1. The stream is registered in the hub at once (replacing an older one, whose cleanup is
///    awaited so "disconnected" is never recorded after "connected"); messages central sends
///    meanwhile are held back until the hello is answered.
/// 2. The first message must be `SatelliteHello`; `SatelliteStreamService.open` records the
///    connection and answers `CentralHello` (plus a `DesiredState` snapshot when stale).
/// 3. A writer sends what the stream's queue holds, in order, while every received message goes
///    to `SatelliteStreamService.receive`, whose replies (acks) are queued.
/// 4. The call ends when the satellite half-closes, the hub ends the stream (replaced, idle,
///    revoked, not reading, shutdown) or the connection drops; the disconnect is recorded once,
///    outside the call's cancellation.
///
/// A reliable message (seq > 0) that cannot be stored ends the stream UNAVAILABLE without an
/// ack, so the satellite resends it after reconnecting; acknowledging a later one would cover
/// it (acks are cumulative). A best-effort message that cannot be stored is logged and dropped.
///
/// Memory: a stream lives for days and there may be 10,000 of them, and a task keeps the
/// largest stack its frames ever needed. So the two long-lived tasks of a stream only wait;
/// every message is handled (database work included) in a short-lived task of its own.
public struct SatelliteConnectService: GRPCService {
    let streams: SatelliteStreamService
    let hub: SatelliteStreamHub

    /// How long a new stream waits for the stream it replaced to record its disconnect.
    static let predecessorCleanupTimeout = Duration.seconds(10)

    public init(streams: SatelliteStreamService, hub: SatelliteStreamHub) {
        self.streams = streams
        self.hub = hub
    }

    public func register(into services: inout ServiceRegistry) {
        services.bidirectionalStreaming(SatelliteStreamServiceMethods.connect) { requests, writer, context in
            try await serve(requests, writer, context)
        }
    }

    func serve(
        _ requests: RequestStream<Pgswarm_V1_SatelliteMessage>, _ writer: ResponseWriter<Pgswarm_V1_CentralMessage>,
        _ context: ServerContext
    ) async throws {
        guard let satellite = context.attachment(AuthenticatedSatellite.self)?.satellite else {
            throw GRPCStatus(.unauthenticated, "missing bearer token")
        }
        var logger = context.logger
        logger[metadataKey: "satellite.id"] = "\(satellite.id.uuidString.lowercased())"
        let (session, replaced) = hub.attach(satellite.id)
        let opened = OpenedFlag()
        let result: Result<Void, any Error>
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Ends when the hub ends the stream; that ends the call.
                group.addTask {
                    for await message in session.outbound { try await writer.write(message) }
                }
                group.addTask { [logger] in
                    try await receive(
                        session, satellite: satellite, requests: requests, replaced: replaced,
                        opened: opened.set, logger: logger)
                }
                try await group.next()
                group.cancelAll()
            }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        let status = Self.finalStatus(result, ending: session.ending, logger: logger)
        let wasOpened = opened.value
        // A separate task: recording the disconnect must not be cancelled with the call.
        await Task { [logger] in
            hub.detach(session)
            if wasOpened {
                await streams.close(satelliteID: satellite.id, reason: status.description)
                logger.info("satellite stream ended", metadata: ["grpc.status": "\(status)"])
            }
            session.retire()
        }.value
        guard status.isOK else { throw status }
    }

    /// The hello, then every further message, each handled in a task of its own.
    private func receive(
        _ session: StreamSession, satellite: Satellite, requests: RequestStream<Pgswarm_V1_SatelliteMessage>,
        replaced: StreamSession?, opened: @escaping @Sendable () -> Void, logger: Logger
    ) async throws {
        var messages = requests.makeAsyncIterator()
        guard let first = try await messages.next() else { return }
        session.touch(at: hub.currentTime())
        guard case .hello(let hello)? = first.payload else {
            throw GRPCStatus(.invalidArgument, "the first message must be a SatelliteHello")
        }
        if let replaced { await replaced.waitUntilRetired(timeout: Self.predecessorCleanupTimeout) }
        let streams = streams
        let greeting: [Pgswarm_V1_CentralMessage]
        do {
            greeting = try await Task { try await streams.open(satellite: satellite, hello: hello) }.value
        } catch let error as RegistryError {
            throw GRPCStatus(registryError: error)
        } catch {
            logger.warning("could not record a satellite connection", metadata: ["error": "\(error)"])
            throw GRPCStatus(.unavailable, "central could not record the connection; retry later")
        }
        opened()
        session.open(greeting: greeting)
        logger.info(
            "satellite stream opened",
            metadata: [
                "satellite.session_id": "\(hello.sessionID.prefix(64))",
                "satellite.desired_state_version": "\(hello.desiredState.desiredStateVersion)",
            ])
        let satelliteID = satellite.id
        while let message = try await messages.next() {
            session.touch(at: hub.currentTime())
            let replies: [Pgswarm_V1_CentralMessage]
            do {
                // Not cancelled with the call: a message being stored is stored completely.
                replies = try await Task { try await streams.receive(message, from: satelliteID) }.value
            } catch let error as RegistryError {
                throw GRPCStatus(registryError: error)
            } catch {
                guard message.seq > 0 else {
                    logger.warning("a best-effort satellite message was not stored", metadata: ["error": "\(error)"])
                    continue
                }
                logger.warning(
                    "a reliable satellite message was not stored; ending the stream so it is resent",
                    metadata: ["satellite.seq": "\(message.seq)", "error": "\(error)"])
                throw GRPCStatus(.unavailable, "central could not store message \(message.seq); reconnect and resend")
            }
            for reply in replies where !session.enqueue(reply) { return }
        }
    }

    /// The status the call ends with: the hub's reason if it ended the stream, else the outcome.
    static func finalStatus(_ result: Result<Void, any Error>, ending: GRPCStatus?, logger: Logger) -> GRPCStatus {
        if let ending { return ending }
        switch result {
        case .success:
            return .ok
        case .failure(let status as GRPCStatus):
            return status
        case .failure(is CancellationError):
            return GRPCStatus(.cancelled, "stream cancelled")
        case .failure(let error):
            logger.error("satellite stream failed", metadata: ["error": "\(error)"])
            return GRPCStatus(.internalError, "the stream failed")
        }
    }
}

/// Whether the stream's connection was recorded (so its disconnect must be).
final class OpenedFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var value: Bool { flag.load(ordering: .acquiring) }
}
