import SwiftProtobuf

/// The four call shapes. Every call is bounded by its timeout (sent as `grpc-timeout` and
/// enforced here: DEADLINE_EXCEEDED and RST_STREAM CANCEL), and cancelling the calling task
/// cancels the call. Failures throw `GRPCStatus`.
extension GRPCChannel {
    /// One request, one response.
    public func unary<Request, Response>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, options: CallOptions = CallOptions()
    ) async throws -> Response {
        try await unaryCall(method, request, options: options).message
    }

    /// One request, one response, with the metadata of both ends.
    public func unaryCall<Request, Response>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, options: CallOptions = CallOptions()
    ) async throws -> UnaryResponse<Response> {
        try await withCall(method, options) { call in
            try await call.core.send(
                try ProtobufCoding.encode(request), compress: call.compressByDefault, endStream: true)
            return try await Self.singleResponse(of: call)
        }
    }

    /// Requests written by `body`, then one response (requests are finished when `body` returns).
    public func clientStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>, options: CallOptions = CallOptions(),
        body: (ClientCall<Request, Response>) async throws -> Void
    ) async throws -> UnaryResponse<Response> {
        try await withCall(method, options) { call in
            try await body(call)
            try await call.finishRequests()
            return try await Self.singleResponse(of: call)
        }
    }

    /// One request, then the responses for `body` to read from `call.responses`.
    /// The call is cancelled if `body` returns before the responses ended.
    public func serverStreaming<Request, Response, Result>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, options: CallOptions = CallOptions(),
        body: (ClientCall<Request, Response>) async throws -> Result
    ) async throws -> Result {
        try await withCall(method, options) { call in
            try await call.core.send(
                try ProtobufCoding.encode(request), compress: call.compressByDefault, endStream: true)
            return try await body(call)
        }
    }

    /// Requests and responses in both directions, at once. `body` writes with `call.write`,
    /// half-closes with `call.finishRequests()` and reads `call.responses`; the call is
    /// cancelled if `body` returns before the responses ended.
    public func bidirectionalStreaming<Request, Response, Result>(
        _ method: MethodDescriptor<Request, Response>, options: CallOptions = CallOptions(),
        body: (ClientCall<Request, Response>) async throws -> Result
    ) async throws -> Result {
        try await withCall(method, options, body)
    }

    // MARK: Plumbing

    private func withCall<Request, Response, Result>(
        _ method: MethodDescriptor<Request, Response>, _ options: CallOptions,
        _ body: (ClientCall<Request, Response>) async throws -> Result
    ) async throws -> Result {
        let timeout = options.timeout ?? configuration.defaultTimeout
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let core = try await start(method.path, options: options, deadline: deadline)
        let timer = deadline.map { deadline in
            Task {
                try await Task.sleep(until: deadline, clock: .continuous)
                core.abort(GRPCStatus(.deadlineExceeded, "deadline exceeded"))
            }
        }
        defer {
            timer?.cancel()
            core.release()
        }
        let encoding = options.compression ?? .identity
        return try await body(ClientCall(core: core, compressByDefault: encoding != .identity))
    }

    /// Waits for a connection (within the deadline) and opens the call's stream.
    private func start(_ path: String, options: CallOptions, deadline: ContinuousClock.Instant?) async throws
        -> ClientCallCore
    {
        let encoding = options.compression ?? .identity
        guard configuration.supportedEncodings.contains(encoding) || encoding == .identity else {
            throw GRPCStatus(.invalidArgument, "compression \(encoding.rawValue) is not enabled on this channel")
        }
        let session = try await withDeadline(deadline) {
            try await self.readySession(waitForReady: options.waitForReady)
        }
        let headers = RequestHeaders(
            path: path, authority: configuration.authority, scheme: configuration.scheme,
            timeout: deadline.map { $0 - ContinuousClock.now }, encoding: encoding,
            acceptedEncodings: configuration.supportedEncodings.filter { $0 != .identity }, metadata: options.metadata)
        let id = try await withDeadline(deadline) {
            try await session.openStream(headers: headers.fields, endStream: false)
        }
        return ClientCallCore(
            session: session, streamID: id, requestEncoding: encoding,
            supportedEncodings: configuration.supportedEncodings,
            maxReceiveMessageSize: configuration.maxReceiveMessageSize)
    }

    /// Runs `operation`, failing with DEADLINE_EXCEEDED if `deadline` passes first.
    private func withDeadline<T: Sendable>(
        _ deadline: ContinuousClock.Instant?, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let deadline else { return try await operation() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                throw GRPCStatus(.deadlineExceeded, "deadline exceeded before the call started")
            }
            defer { group.cancelAll() }
            do {
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            } catch is CancellationError where Task.isCancelled {
                throw GRPCStatus(.cancelled, "call cancelled by the client")
            }
        }
    }

    private static func singleResponse<Request, Response>(of call: ClientCall<Request, Response>) async throws
        -> UnaryResponse<Response>
    {
        guard let first = try await call.core.nextResponse() else {
            throw GRPCStatus(.internalError, "the server ended the call OK without a response")
        }
        guard try await call.core.nextResponse() == nil else {
            throw GRPCStatus(.internalError, "the server sent more than one response")
        }
        return UnaryResponse(
            message: try ProtobufCoding.decode(Response.self, from: first.payload),
            initialMetadata: try await call.core.initialMetadata(), trailingMetadata: call.core.trailingMetadata,
            wasCompressed: first.wasCompressed)
    }
}
