import FoundationEssentials
import Synchronization

extension KubeClient {
    /// Opens one watch stream. It yields events until the server ends it (its `timeoutSeconds`
    /// passed: the stream finishes normally) or it fails. A stream that outlives
    /// `timeout + watchGrace`, or whose headers do not arrive within the request timeout, is
    /// treated as dead and ends with `.timedOut`. An HTTP error answer (e.g. 410) is thrown as
    /// its `KubeError`; an in-stream ERROR event is yielded as `.error`. For a watch that
    /// survives all of this on its own, use `changes(...)`.
    public func watch<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, options: WatchOptions = WatchOptions()
    ) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        try await openWatch(type, resolvedNamespace: self.namespace(for: T.resourceType, namespace), options: options)
    }

    /// `watch` across all namespaces.
    public func watchAllNamespaces<T: KubeObject>(
        _ type: T.Type, options: WatchOptions = WatchOptions()
    ) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        try await openWatch(type, resolvedNamespace: nil, options: options)
    }

    private func openWatch<T: KubeObject>(
        _ type: T.Type, resolvedNamespace namespace: String?, options: WatchOptions
    ) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let version = try await servedVersion(of: T.resourceType)
        let lifetime = options.timeout ?? self.options.watchTimeout
        var query: [(name: String, value: String)] = [("watch", "true")]
        if let resourceVersion = options.resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let labelSelector = options.labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector = options.fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if options.allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        query.append(("timeoutSeconds", String(max(1, lifetime.components.seconds))))
        let request = APIRequest(
            method: "GET", path: try path(T.resourceType, version: version, namespace: namespace), query: query)
        let parts = try await http.openStream(request, bufferLimit: self.options.watchBufferLimit)
        let limits = WatchLimits(
            headDeadline: .now.advanced(by: self.options.requestTimeout),
            lifetimeDeadline: .now.advanced(by: lifetime + self.options.watchGrace), lifetime: lifetime,
            maximumEventBytes: self.options.maximumEventBytes, bufferLimit: self.options.watchBufferLimit,
            summary: request.summary)
        return Self.events(of: T.self, from: parts, limits: limits)
    }

    struct WatchLimits: Sendable {
        var headDeadline: ContinuousClock.Instant
        var lifetimeDeadline: ContinuousClock.Instant
        var lifetime: Duration
        var maximumEventBytes: Int
        var bufferLimit: Int
        var summary: String
    }

    /// Turns body chunks into events, enforcing the deadlines with a timer task of its own.
    private static func events<T: KubeObject>(
        of type: T.Type, from parts: AsyncThrowingStream<StreamPart, any Error>, limits: WatchLimits
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let (events, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(limits.bufferLimit))
        let headSeen = HeadFlag()
        let reader = Task {
            var splitter = LineSplitter(limit: limits.maximumEventBytes)
            var errorBody = Data()
            var statusCode = 0
            do {
                for try await part in parts {
                    switch part {
                    case .head(let code):
                        statusCode = code
                        headSeen.set()
                    case .data(let data) where statusCode != 200:
                        errorBody.append(data.prefix(max(0, 1 << 20 - errorBody.count)))
                    case .data(let data):
                        for line in try splitter.append(data) {
                            try deliver(line, to: continuation)
                        }
                    }
                }
                if statusCode != 200 {
                    throw KubeHTTP.error(from: HTTPReply(statusCode: statusCode, headers: [:], body: errorBody))
                }
                if let last = splitter.finish() { try deliver(last, to: continuation) }
                continuation.finish()
            } catch is LineSplitter.Failure {
                continuation.finish(
                    throwing: KubeError.invalidResponse("watch event larger than \(limits.maximumEventBytes) bytes"))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        let timer = Task {
            try? await Task.sleep(until: limits.headDeadline, clock: .continuous)
            if !Task.isCancelled, !headSeen.isSet {
                continuation.finish(throwing: KubeError.timedOut(request: limits.summary, after: limits.lifetime))
                reader.cancel()
                return
            }
            try? await Task.sleep(until: limits.lifetimeDeadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            continuation.finish(throwing: KubeError.timedOut(request: limits.summary, after: limits.lifetime))
            reader.cancel()
        }
        continuation.onTermination = { _ in
            reader.cancel()
            timer.cancel()
        }
        return events
    }

    private static func deliver<T: KubeObject>(
        _ line: [UInt8], to continuation: AsyncThrowingStream<WatchEvent<T>, any Error>.Continuation
    ) throws {
        let event: WatchEvent<T>
        do {
            event = try JSONDecoder().decode(WireWatchEvent<T>.self, from: Data(line)).event
        } catch {
            throw KubeError.invalidResponse("undecodable watch event: \(error)")
        }
        if case .dropped = continuation.yield(event) { throw KubeError.watchOverflow }
    }
}

/// Set once the response head arrived.
final class HeadFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
