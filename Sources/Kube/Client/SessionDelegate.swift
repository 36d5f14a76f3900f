import Foundation
import FoundationNetworking
import Synchronization

/// What a task's owner is told, in order: the response head, body chunks, completion.
protocol TaskObserver: Sendable {
    func received(response: HTTPURLResponse)
    func received(data: Data)
    func completed(error: (any Error)?)
}

/// One delegate for the client's sessions, routing each task's callbacks to its observer.
/// Callbacks come from URLSession's serial delegate queue; observers must not block.
///
/// Tasks are keyed by object identity: `taskIdentifier` is unique only within one session, and
/// the read and write sessions share this delegate (a write's answer once reached a watch).
final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private let observers = Mutex<[ObjectIdentifier: any TaskObserver]>([:])

    func observe(_ task: URLSessionTask, with observer: any TaskObserver) {
        observers.withLock { $0[ObjectIdentifier(task)] = observer }
    }

    private func observer(of task: URLSessionTask) -> (any TaskObserver)? {
        observers.withLock { $0[ObjectIdentifier(task)] }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse { observer(of: dataTask)?.received(response: http) }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        observer(of: dataTask)?.received(data: data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let observer = observers.withLock { $0.removeValue(forKey: ObjectIdentifier(task)) }
        observer?.completed(error: error)
    }

    /// The API server does not redirect; following a redirect could send the bearer token to
    /// another host, so none is followed.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

/// An answer read in full.
struct HTTPReply: Sendable {
    var statusCode: Int
    var headers: [String: String]
    var body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Collects one buffered answer and resumes its waiter exactly once: with the answer, or with
/// the first failure (transport error, body too large, deadline, cancellation).
final class BufferedObserver: TaskObserver {
    private enum State {
        case waiting(CheckedContinuation<HTTPReply, any Error>?, head: HTTPURLResponse?, body: Data)
        case finished(Result<HTTPReply, any Error>)
    }
    private let state = Mutex<State>(.waiting(nil, head: nil, body: Data()))
    private let limit: Int
    private let onOverflow: @Sendable () -> Void

    init(limit: Int, onOverflow: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.onOverflow = onOverflow
    }

    /// Suspends until the answer or a failure.
    func wait() async throws -> HTTPReply {
        try await withCheckedThrowingContinuation { continuation in
            let done: Result<HTTPReply, any Error>? = state.withLock { state in
                switch state {
                case .finished(let result):
                    return result
                case .waiting(_, let head, let body):
                    state = .waiting(continuation, head: head, body: body)
                    return nil
                }
            }
            if let done { continuation.resume(with: done) }
        }
    }

    func received(response: HTTPURLResponse) {
        state.withLock { state in
            if case .waiting(let continuation, _, let body) = state {
                state = .waiting(continuation, head: response, body: body)
            }
        }
    }

    func received(data: Data) {
        let overflowed = state.withLock { state -> Bool in
            guard case .waiting(let continuation, let head, var body) = state else { return false }
            guard body.count + data.count <= limit else { return true }
            // Drop the state's reference first, so the append grows the buffer in place
            // instead of copying everything received so far for every chunk.
            state = .waiting(nil, head: nil, body: Data())
            body.append(data)
            state = .waiting(continuation, head: head, body: body)
            return false
        }
        if overflowed {
            fail(KubeError.invalidResponse("answer larger than \(limit) bytes"))
            onOverflow()
        }
    }

    func completed(error: (any Error)?) {
        if let error {
            fail(error)
            return
        }
        let (continuation, result): (CheckedContinuation<HTTPReply, any Error>?, Result<HTTPReply, any Error>?) =
            state.withLock { state in
                guard case .waiting(let continuation, let head, let body) = state else { return (nil, nil) }
                let result: Result<HTTPReply, any Error>
                if let head {
                    var headers: [String: String] = [:]
                    for (key, value) in head.allHeaderFields {
                        if let key = key as? String, let value = value as? String { headers[key] = value }
                    }
                    result = .success(HTTPReply(statusCode: head.statusCode, headers: headers, body: body))
                } else {
                    result = .failure(KubeError.invalidResponse("no HTTP response"))
                }
                state = .finished(result)
                return (continuation, result)
            }
        if let continuation, let result { continuation.resume(with: result) }
    }

    /// Ends the wait with `error` unless it already ended.
    func fail(_ error: any Error) {
        let continuation: CheckedContinuation<HTTPReply, any Error>?? = state.withLock { state in
            guard case .waiting(let continuation, _, _) = state else { return .none }
            state = .finished(.failure(error))
            return .some(continuation)
        }
        if case .some(.some(let waiting)) = continuation { waiting.resume(throwing: error) }
    }
}
