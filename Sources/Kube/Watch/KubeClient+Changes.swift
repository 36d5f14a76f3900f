import FoundationEssentials

extension KubeClient {
    /// A watch that keeps itself alive: lists (unless resuming), then watches from the list's
    /// resourceVersion, and re-opens the watch whenever the server closes it, it fails or it
    /// goes silent past its deadline, resuming from the last resourceVersion seen (events and
    /// bookmarks). A 410 (in-stream ERROR or HTTP) relists and reports the difference, so no
    /// change is lost. Ends only when the consumer stops iterating, or with an error that
    /// retrying cannot fix (401, 403, 404 for the resource, 400 for a bad selector).
    ///
    /// - Parameters:
    ///   - resumeFrom: a resourceVersion from an earlier list or watch: start watching there
    ///     instead of listing. `knownObjects` are the objects the caller already has, so that
    ///     a relist can report deletions of them.
    public func changes<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        resumeFrom: String? = nil, knownObjects: [T] = [], watchTimeout: Duration? = nil
    ) -> AsyncThrowingStream<WatchChange<T>, any Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchChange<T>, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(options.watchBufferLimit))
        let task = Task {
            let loop = WatchLoop(
                client: self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector,
                watchTimeout: watchTimeout, continuation: continuation)
            await loop.run(ObjectCache(known: knownObjects, resourceVersion: resumeFrom))
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// The shell around `ObjectCache`: list, watch, resume, with a growing pause after failures.
private struct WatchLoop<T: KubeObject>: Sendable {
    let client: KubeClient
    let namespace: String?
    let labelSelector: String?
    let fieldSelector: String?
    let watchTimeout: Duration?
    let continuation: AsyncThrowingStream<WatchChange<T>, any Error>.Continuation

    /// Pauses between failed attempts grow to this bound: long enough not to hammer a sick
    /// server, short enough to notice its recovery soon.
    static var backoff: RetryPolicy {
        RetryPolicy(maximumAttempts: .max, initialBackoff: .milliseconds(200), maximumBackoff: .seconds(30))
    }

    /// Failures that retrying cannot fix end the stream.
    static func isTerminal(_ error: KubeError) -> Bool {
        switch error {
        case .unauthorized, .forbidden, .notFound, .badRequest, .invalid, .unsupported, .invalidConfiguration,
            .unsupportedMediaType:
            return true
        case .alreadyExists, .conflict, .gone, .tooManyRequests, .serverTimeout, .other, .timedOut, .transport,
            .invalidResponse, .watchOverflow:
            return false
        }
    }

    func run(_ initial: ObjectCache<T>) async {
        var cache = initial
        var failures = 0
        var interruption: WatchInterruption?
        while !Task.isCancelled {
            do {
                if cache.resourceVersion == nil {
                    let list = try await client.listComplete(
                        T.self, namespace: namespace,
                        options: ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector))
                    let version = list.metadata.resourceVersion ?? ""
                    for change in cache.replace(with: list.items, at: version) { try emit(change) }
                    try emit(.synced(resourceVersion: version))
                }
                if let reason = interruption {
                    try emit(.resumed(after: reason))
                    interruption = nil
                }
                let started = ContinuousClock.now
                var sawEvent = false
                let events = try await client.watch(
                    T.self, namespace: namespace,
                    options: WatchOptions(
                        resourceVersion: cache.resourceVersion, labelSelector: labelSelector,
                        fieldSelector: fieldSelector, allowBookmarks: true, timeout: watchTimeout))
                streaming: for try await event in events {
                    sawEvent = true
                    if case .error(let status) = event {
                        if status.code == 410 {
                            cache.invalidate()
                            interruption = .expired
                            break streaming
                        }
                        throw KubeError.fromResponse(
                            statusCode: status.code ?? 500, status: status, retryAfterHeader: nil)
                    }
                    if let change = cache.apply(event) { try emit(change) }
                }
                if interruption == nil {
                    interruption = .closedByServer
                    // A server that closes at once, over and over, must not spin this loop.
                    failures = sawEvent || ContinuousClock.now - started >= .seconds(1) ? 0 : failures + 1
                }
            } catch let error as KubeError {
                if case .gone = error {
                    cache.invalidate()
                    interruption = .expired
                    continue
                }
                if case .watchOverflow = error, cache.resourceVersion != nil {
                    cache.invalidate()  // events were dropped: only a relist is safe
                }
                if Self.isTerminal(error) {
                    continuation.finish(throwing: error)
                    return
                }
                if case .invalidResponse = error { cache.invalidate() }
                interruption = .failed(error)
                failures += 1
            } catch is ConsumerFellBehind {
                continuation.finish(throwing: KubeError.watchOverflow)
                return
            } catch {
                continuation.finish(throwing: error)  // cancellation
                return
            }
            if failures > 0 {
                let pause = Self.backoff.backoff(afterAttempt: failures, unitRandom: client.options.unitRandom())
                do { try await Task.sleep(for: pause) } catch { break }
            }
        }
        continuation.finish()
    }

    private func emit(_ change: WatchChange<T>) throws {
        if case .dropped = continuation.yield(change) { throw ConsumerFellBehind() }
    }
}

/// The consumer let `watchBufferLimit` changes pile up: the stream ends rather than grow.
private struct ConsumerFellBehind: Error {}
