import CPosixShims
import Glibc

/// Starts work on threads of its own, for code that must block (waitpid, libpq) without
/// occupying a thread of Swift's cooperative pool.
///
/// Plain pthreads rather than Foundation's `Thread`: the failover sidecar links only
/// FoundationEssentials, and `Thread` would pull Foundation, CoreFoundation and ICU into it.
public enum DetachedThread {
    /// Runs `body` on a new detached thread called `name` (Linux keeps the first 15 bytes).
    /// Throws the errno when the system refuses another thread.
    public static func start(named name: String, _ body: @escaping @Sendable () -> Void) throws(ThreadStartError) {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, detachedThreadMain, box)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw ThreadStartError(errno: result)
        }
        _ = pgswarm_pthread_setname(thread, String(decoding: name.utf8.prefix(15), as: UTF8.self))
    }
}

/// The system refused to start a thread (`pthread_create`'s error number).
public struct ThreadStartError: Error, Equatable, CustomStringConvertible {
    public let errno: Int32

    public var description: String { "cannot start a thread: \(String(cString: strerror(errno)))" }
}

private final class ThreadBody: Sendable {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// The thread's entry point: a plain top-level function, so that Swift 6 does not treat it as
/// main-actor code when pthread calls it (ENVIRONMENT.md).
private func detachedThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue().run()
    return nil
}
