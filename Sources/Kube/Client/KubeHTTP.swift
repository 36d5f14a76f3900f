import Foundation
import FoundationNetworking
import Logging

/// The URLSession shell: builds requests (adding the bearer token), enforces deadlines of its
/// own (URLSession's timeouts are unreliable on Linux), retries what may be retried, and turns
/// every failure into a `KubeError` at this one boundary.
final class KubeHTTP: Sendable {
    let configuration: KubeConfiguration
    let options: KubeClientOptions
    let logger: Logger
    /// Reads and watches: pooled keep-alive connections.
    private let session: URLSession
    /// Writes. libcurl resends a request by itself, once, when a reused keep-alive connection
    /// dies before any byte of the answer arrives, and it cannot know whether the server had
    /// already applied it. So every write goes out on a connection of its own (this session,
    /// with `Connection: close`): never a reused one, never resent. (Over HTTP/2, where curl
    /// multiplexes and drops that header, a resend can still happen; every write pg-swarm
    /// makes is guarded by a resourceVersion or idempotent, so a resend can at worst turn a
    /// success into a Conflict or AlreadyExists, which callers resolve by re-reading.)
    private let writeSession: URLSession
    private let delegate: SessionDelegate

    init(configuration: KubeConfiguration, options: KubeClientOptions, logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        delegate = SessionDelegate()
        session = Self.makeSession(options: options, delegate: delegate)
        writeSession = Self.makeSession(options: options, delegate: delegate)
    }

    private static func makeSession(
        options: KubeClientOptions, delegate: SessionDelegate, connectionsPerHost: Int? = nil
    ) -> URLSession {
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpMaximumConnectionsPerHost = connectionsPerHost ?? options.maximumConnectionsPerHost
        // Our own deadlines govern; URLSession's must never cut a long watch short.
        sessionConfiguration.timeoutIntervalForRequest = 7 * 24 * 3600
        sessionConfiguration.timeoutIntervalForResource = 7 * 24 * 3600
        sessionConfiguration.urlCache = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.httpShouldSetCookies = false
        sessionConfiguration.httpCookieStorage = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "kube.urlsession"
        return URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: queue)
    }

    func invalidate() {
        session.invalidateAndCancel()
        writeSession.invalidateAndCancel()
    }

    func urlRequest(for request: APIRequest) throws(KubeError) -> URLRequest {
        var text = configuration.server.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += request.path
        if !request.query.isEmpty { text += "?" + request.encodedQuery() }
        guard let url = URL(string: text) else {
            throw KubeError.invalidConfiguration("bad request URL for \(request.summary)")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = 7 * 24 * 3600
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        urlRequest.setValue(options.userAgent, forHTTPHeaderField: "User-Agent")
        if !request.isSafe { urlRequest.setValue("close", forHTTPHeaderField: "Connection") }
        if let body = request.body {
            urlRequest.httpBody = body
            urlRequest.setValue(request.contentType ?? "application/json", forHTTPHeaderField: "Content-Type")
        }
        switch configuration.credentials {
        case .none:
            break
        case .bearerToken(let provider):
            urlRequest.setValue("Bearer " + (try provider.currentToken()), forHTTPHeaderField: "Authorization")
        case .clientCertificate:
            throw KubeError.unsupported("client-certificate authentication (URLSession on Linux cannot present one)")
        }
        return urlRequest
    }

    /// Sends `request` and returns a 2xx answer; an error answer is thrown as its `KubeError`.
    /// The whole call, retries included, ends by `timeout`.
    func send(_ request: APIRequest, timeout: Duration? = nil) async throws -> HTTPReply {
        let budget = timeout ?? options.requestTimeout
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started.advanced(by: budget)
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<HTTPReply, KubeError>
            do {
                let reply = try await sendOnce(request, deadline: deadline, budget: budget)
                outcome =
                    (200..<300).contains(reply.statusCode)
                    ? .success(reply) : .failure(Self.error(from: reply))
            } catch let error as KubeError {
                outcome = .failure(error)
            }  // CancellationError propagates as is.
            log(request, outcome: outcome, attempt: attempt, duration: clock.now - started)
            switch outcome {
            case .success(let reply):
                return reply
            case .failure(let error):
                let retryable = request.isSafe ? error.isTransient : error.certainlyNotApplied
                guard retryable, attempt < options.retry.maximumAttempts else { throw error }
                let pause = max(
                    options.retry.backoff(afterAttempt: attempt, unitRandom: options.unitRandom()),
                    error.retryAfter ?? .zero)
                guard clock.now.advanced(by: pause) < deadline else { throw error }
                try await Task.sleep(for: pause)
            }
        }
    }

    /// One attempt, abandoned at `deadline` whether or not URLSession gives up by itself.
    private func sendOnce(
        _ request: APIRequest, deadline: ContinuousClock.Instant, budget: Duration, on chosen: URLSession? = nil
    ) async throws -> HTTPReply {
        let urlRequest = try urlRequest(for: request)
        let task = (chosen ?? (request.isSafe ? session : writeSession)).dataTask(with: urlRequest)
        let observer = BufferedObserver(limit: options.maximumResponseBytes) { [task] in task.cancel() }
        delegate.observe(task, with: observer)
        let summary = request.summary
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            observer.fail(KubeError.timedOut(request: summary, after: budget))
            task.cancel()
        }
        defer { timer.cancel() }
        task.resume()
        do {
            return try await withTaskCancellationHandler {
                try await observer.wait()
            } onCancel: {
                observer.fail(CancellationError())
                task.cancel()
            }
        } catch let error as KubeError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Self.transportError(error)
        }
    }

    /// Opens a streaming request (a watch). The stream yields the response head, then body
    /// chunks; ending the consumer's iteration cancels the request.
    ///
    /// Each stream runs on a session of its own, limited to one connection, which a short
    /// request (`GET /version`; any answer will do) has established first. Why: FoundationNetworking
    /// adds a write-readiness dispatch source when libcurl asks for one (while a connection is
    /// being set up) but does not remove it when libcurl later asks for read readiness only
    /// (`_SocketSources.createSources` only ever adds). A socket is nearly always writable, so the
    /// source fires in a loop until the transfer ends: a watch opened on a fresh connection
    /// burned most of a core for its whole lifetime (measured: 70-90 % per failover sidecar).
    /// A request on an already established keep-alive connection never asks for write readiness.
    func openStream(_ request: APIRequest, bufferLimit: Int) async throws -> AsyncThrowingStream<
        StreamPart, any Error
    > {
        let urlRequest = try urlRequest(for: request)
        let streamSession = Self.makeSession(options: options, delegate: delegate, connectionsPerHost: 1)
        let warmUpBudget = min(options.requestTimeout, .seconds(10))
        do {
            _ = try await sendOnce(
                APIRequest(method: "GET", path: "/version"), deadline: .now.advanced(by: warmUpBudget),
                budget: warmUpBudget, on: streamSession)
        } catch is CancellationError {
            streamSession.invalidateAndCancel()
            throw CancellationError()
        } catch {
            // The watch itself reports whatever is wrong with the server; at worst this stream
            // runs on a fresh connection.
        }
        let task = streamSession.dataTask(with: urlRequest)
        let (stream, continuation) = AsyncThrowingStream<StreamPart, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(bufferLimit))
        delegate.observe(task, with: StreamObserver(continuation: continuation) { [task] in task.cancel() })
        continuation.onTermination = { [task] _ in
            task.cancel()
            streamSession.finishTasksAndInvalidate()
        }
        task.resume()
        return stream
    }

    static func error(from reply: HTTPReply) -> KubeError {
        let status = try? JSONDecoder().decode(Status.self, from: reply.body)
        let usable = status?.kind == "Status" || status?.reason != nil ? status : nil
        return KubeError.fromResponse(
            statusCode: reply.statusCode, status: usable, retryAfterHeader: reply.header("Retry-After"))
    }

    /// URLError (libcurl underneath) to `TransportFailure`.
    static func transportError(_ error: any Error) -> KubeError {
        guard let urlError = error as? URLError else {
            return .transport(TransportFailure(kind: .other, code: 0, message: "\(error)"))
        }
        let kind: TransportFailure.Kind
        switch urlError.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            kind = .cannotConnect
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            kind = .tlsFailed
        case .networkConnectionLost, .timedOut, .badServerResponse, .cannotParseResponse, .zeroByteResource:
            kind = .connectionLost
        default:
            // libcurl's certificate failures (CURLE_PEER_FAILED_VERIFICATION) reach us as
            // NSURLErrorUnknown; only the message tells them apart.
            let message = urlError.localizedDescription
            kind = message.contains("SSL") || message.contains("certificate") ? .tlsFailed : .other
        }
        return .transport(
            TransportFailure(kind: kind, code: urlError.code.rawValue, message: urlError.localizedDescription))
    }

    private func log(_ request: APIRequest, outcome: Result<HTTPReply, KubeError>, attempt: Int, duration: Duration) {
        var metadata: Logger.Metadata = [
            "kube.verb": "\(request.method)", "kube.path": "\(request.path)", "kube.attempt": "\(attempt)",
            "kube.duration_ms":
                "\(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)",
        ]
        switch outcome {
        case .success(let reply):
            metadata["kube.status"] = "\(reply.statusCode)"
        case .failure(let error):
            metadata["kube.status"] = "\(error.code.map(String.init) ?? "none")"
            metadata["kube.error"] = "\(error)"
        }
        logger.debug("kube request", metadata: metadata)
    }
}

/// A piece of a streamed answer.
enum StreamPart: Sendable {
    case head(statusCode: Int)
    case data(Data)
}

/// Forwards a streamed answer into an AsyncThrowingStream; a full buffer ends the stream with
/// `watchOverflow` rather than growing without bound.
final class StreamObserver: TaskObserver {
    private let continuation: AsyncThrowingStream<StreamPart, any Error>.Continuation
    private let onOverflow: @Sendable () -> Void

    init(
        continuation: AsyncThrowingStream<StreamPart, any Error>.Continuation,
        onOverflow: @escaping @Sendable () -> Void
    ) {
        self.continuation = continuation
        self.onOverflow = onOverflow
    }

    func received(response: HTTPURLResponse) {
        yield(.head(statusCode: response.statusCode))
    }

    func received(data: Data) {
        yield(.data(data))
    }

    func completed(error: (any Error)?) {
        if let error {
            continuation.finish(throwing: KubeHTTP.transportError(error))
        } else {
            continuation.finish()
        }
    }

    private func yield(_ part: StreamPart) {
        if case .dropped = continuation.yield(part) {
            continuation.finish(throwing: KubeError.watchOverflow)
            onOverflow()
        }
    }
}
