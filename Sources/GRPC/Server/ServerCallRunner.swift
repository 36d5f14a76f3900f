import HTTP2
import Logging
import Transport

/// Serves one stream: validates and routes the request, runs interceptors and the handler
/// under the client's deadline, and sends the status.
struct ServerCallRunner: Sendable {
    let registry: ServiceRegistry
    let configuration: GRPCServerConfiguration
    let logger: Logger

    func serve(_ incoming: IncomingStream, on session: HTTP2Session) async {
        defer { session.release(incoming.id) }
        let supported = configuration.supportedEncodings
        let head: RequestHead
        switch RequestHead.parse(incoming.headers, supportedEncodings: supported) {
        case .success(let parsed):
            head = parsed
        case .failure(.httpStatus(let code, let reason)):
            answer(incoming.id, on: session, ResponseHeaders.httpRejection(status: code, reason: reason))
            return
        case .failure(.grpcStatus(let status)):
            answer(incoming.id, on: session, trailersOnly(status))
            return
        case .failure(.unsupportedEncoding(let name)):
            let status = GRPCStatus(.unimplemented, "grpc-encoding \(name) is not supported")
            answer(incoming.id, on: session, trailersOnly(status))
            return
        }
        guard let method = registry.method(forPath: head.path) else {
            answer(incoming.id, on: session, trailersOnly(GRPCStatus(.unimplemented, "unknown method \(head.path)")))
            return
        }
        var callLogger = logger
        callLogger[metadataKey: "grpc.method"] = "\(head.path)"
        callLogger[metadataKey: "grpc.peer"] = "\(session.transport.peerDescription)"
        let started = ContinuousClock.now
        let context = ServerContext(
            path: head.path, head: head, peer: session.transport.peerDescription,
            deadline: head.timeout.map { started + $0 },
            responseEncoding: configuration.responseEncoding(acceptedByClient: head.acceptedEncodings),
            compressResponses: configuration.compressResponsesByDefault, logger: callLogger)
        let call = ServerCall(
            session: session, streamID: incoming.id, context: context,
            maxReceiveMessageSize: configuration.maxReceiveMessageSize, supportedEncodings: supported,
            requestEndedStream: incoming.endStream)
        let status = await run(method, call)
        call.finish(with: status)
        call.releaseReservation()
        let elapsed = ContinuousClock.now - started
        callLogger.debug(
            "grpc call finished",
            metadata: [
                "grpc.status": "\(status.code)",
                "grpc.duration_ms":
                    "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
    }

    /// Runs interceptors and handler in a task that the deadline or an abort cancels.
    private func run(_ method: ServiceRegistry.Method, _ call: ServerCall) async -> GRPCStatus {
        let interceptors = configuration.interceptors
        let handler = Task {
            for interceptor in interceptors {
                try await interceptor.intercept(call.context)
            }
            try await method.run(call)
        }
        let outcome = CallOutcome()
        call.session.observeAbort(call.streamID) {
            if outcome.interrupt(.aborted) { handler.cancel() }
        }
        let timer = call.context.deadline.map { deadline in
            Task {
                try await Task.sleep(until: deadline, clock: .continuous)
                if outcome.interrupt(.deadlineExceeded) {
                    call.finish(with: GRPCStatus(.deadlineExceeded, "deadline exceeded"))
                    handler.cancel()
                }
            }
        }
        let result = await withTaskCancellationHandler {
            await handler.result
        } onCancel: {
            handler.cancel()
        }
        timer?.cancel()
        switch outcome.reason {
        case .deadlineExceeded: return GRPCStatus(.deadlineExceeded, "deadline exceeded")
        case .aborted: return GRPCStatus(.cancelled, "call cancelled by the client")
        case nil: return Self.status(of: result)
        }
    }

    /// A handler's result as a status. Errors other than `GRPCStatus` are not described to the
    /// client: they may carry internals.
    static func status(of result: Result<Void, any Error>) -> GRPCStatus {
        switch result {
        case .success: return .ok
        case .failure(let status as GRPCStatus): return status
        case .failure(is CancellationError): return GRPCStatus(.cancelled, "call cancelled")
        case .failure: return GRPCStatus(.unknown, "handler failed")
        }
    }

    private func trailersOnly(_ status: GRPCStatus) -> [HeaderField] {
        ResponseHeaders.trailersOnly(
            status: status, metadata: Metadata(), supportedEncodings: configuration.supportedEncodings)
    }

    private func answer(_ id: StreamID, on session: HTTP2Session, _ headers: [HeaderField]) {
        do {
            try session.sendHeadersEndingStream(id, headers)
        } catch {
            // The stream or connection is already gone: there is nobody to answer.
            logger.debug("grpc rejection not sent", metadata: ["grpc.reason": "\(error)"])
        }
    }
}
