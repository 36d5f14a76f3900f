import Dispatch
import Glibc

/// Delivers SIGTERM/SIGINT (or others) as an async stream, for graceful shutdown. The default
/// action of each signal is turned off first, so the process no longer dies from it.
public func signalStream(_ signals: [Int32]? = nil) -> AsyncStream<Int32> {
    let signals = signals ?? [SIGTERM, SIGINT]
    let (stream, continuation) = AsyncStream<Int32>.makeStream()
    let queue = DispatchQueue(label: "signals")
    var sources: [any DispatchSourceSignal] = []
    for number in signals {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        sources.append(source)
    }
    let retained = SignalSources(sources: sources)
    continuation.onTermination = { _ in retained.cancel() }
    return stream
}

/// Keeps the dispatch sources alive as long as the stream lives.
private final class SignalSources: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
