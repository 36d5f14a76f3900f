import FoundationEssentials
import HTTP1
import Logging
import Transport

/// The HTTP shell: builds requests (adding the bearer token), sends them over our own HTTP/1.1
/// client, enforces deadlines, retries what may be retried, and turns every failure into a
/// `KubeError` at this one boundary.
///
/// Reads and watches use pooled keep-alive connections. Every write goes out on a connection of
/// its own with `Connection: close`, never a reused one, and is never resent by this layer: a
/// reused keep-alive connection can die before any byte of the answer arrives, and nothing
/// tells whether the server had already applied the request. (Reads that fail that way are
/// resent once on a fresh connection by `HTTP1Client`.)
///
/// This replaced URLSession (FoundationNetworking + libcurl), whose socket sources kept a
/// write-readiness source on every connection libcurl had asked write readiness for: a socket
/// is nearly always writable, so a waiting watch spun a core (70-90 % per failover sidecar).
final class KubeHTTP: Sendable {
    let configuration: KubeConfiguration
    let options: KubeClientOptions
    let logger: Logger
    private let endpoint: KubeEndpoint

    init(configuration: KubeConfiguration, options: KubeClientOptions, logger: Logger) throws(KubeError) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        endpoint = try KubeEndpoint(configuration: configuration, options: options)
    }

    /// Closes every connection: calls in flight fail, later ones too.
    func invalidate() {
        endpoint.client.shutdown()
    }

    func httpRequest(for request: APIRequest) throws(KubeError) -> HTTP1ClientRequest {
        var target = endpoint.pathPrefix + request.path
        if !request.query.isEmpty { target += "?" + request.encodedQuery() }
        var headers: HTTPHeaders = ["Accept": "application/json", "User-Agent": options.userAgent]
        if !request.isSafe { headers.add("Connection", "close") }
        if request.body != nil { headers.add("Content-Type", request.contentType ?? "application/json") }
        switch configuration.credentials {
        case .none, .clientCertificate:
            break
        case .bearerToken(let provider):
            headers.add("Authorization", "Bearer " + (try provider.currentToken()))
        }
        return HTTP1ClientRequest(
            method: request.method, target: target, headers: headers, body: request.body.map { [UInt8]($0) })
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

    /// One attempt, abandoned at `deadline`: every read and write of it carries that deadline.
    private func sendOnce(
        _ request: APIRequest, deadline: ContinuousClock.Instant, budget: Duration
    ) async throws -> HTTPReply {
        let message = try httpRequest(for: request)
        do {
            let response = try await endpoint.client.perform(
                message, reusingConnection: request.isSafe, deadline: .at(deadline))
            let body = try await response.readBody(limit: options.maximumResponseBytes, deadline: .at(deadline))
            var headers: [String: String] = [:]
            for field in response.head.headers { headers[field.name] = field.value }
            return HTTPReply(statusCode: response.head.statusCode, headers: headers, body: Data(body))
        } catch let error as TransportError where error.kind == .timedOut {
            throw KubeError.timedOut(request: request.summary, after: budget)
        } catch let error as HTTP1ResponseError where error.kind == .tooLarge {
            throw KubeError.invalidResponse("\(request.summary): \(error.reason)")
        } catch let error as CancellationError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.transportError(error)
        }
    }

    /// Opens a streaming request (a watch). The stream yields the response head, then body
    /// chunks as they arrive; ending the consumer's iteration cancels the request and closes
    /// its connection. Connecting and the head must arrive within `requestTimeout`; the body
    /// then has no deadline here (the watch enforces its lifetime).
    func openStream(_ request: APIRequest, bufferLimit: Int) async throws -> AsyncThrowingStream<
        StreamPart, any Error
    > {
        let message = try httpRequest(for: request)
        let (stream, continuation) = AsyncThrowingStream<StreamPart, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(bufferLimit))
        let client = endpoint.client
        let headDeadline = Deadline.after(options.requestTimeout)
        let summary = request.summary
        let budget = options.requestTimeout
        let pump = Task {
            do {
                let response = try await client.perform(message, reusingConnection: true, deadline: headDeadline)
                guard Self.deliver(.head(statusCode: response.head.statusCode), to: continuation) else {
                    response.close()
                    return
                }
                while let part = try await response.nextBodyPart(deadline: .never) {
                    guard Self.deliver(.data(Data(part)), to: continuation) else {
                        response.close()
                        return
                    }
                }
                continuation.finish()
            } catch let error as TransportError where error.kind == .timedOut {
                continuation.finish(throwing: KubeError.timedOut(request: summary, after: budget))
            } catch let error as HTTP1ResponseError where error.kind == .tooLarge {
                continuation.finish(throwing: KubeError.invalidResponse("\(summary): \(error.reason)"))
            } catch {
                continuation.finish(throwing: Task.isCancelled ? CancellationError() : Self.transportError(error))
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    /// Yields `part`; a full buffer ends the stream with `watchOverflow` rather than growing
    /// without bound. False when the stream has ended (overflow, or the consumer left).
    private static func deliver(
        _ part: StreamPart, to continuation: AsyncThrowingStream<StreamPart, any Error>.Continuation
    ) -> Bool {
        switch continuation.yield(part) {
        case .enqueued:
            return true
        case .dropped:
            continuation.finish(throwing: KubeError.watchOverflow)
            return false
        case .terminated:
            return false
        @unknown default:
            return false
        }
    }

    static func error(from reply: HTTPReply) -> KubeError {
        let status = try? JSONDecoder().decode(Status.self, from: reply.body)
        let usable = status?.kind == "Status" || status?.reason != nil ? status : nil
        return KubeError.fromResponse(
            statusCode: reply.statusCode, status: usable, retryAfterHeader: reply.header("Retry-After"))
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
