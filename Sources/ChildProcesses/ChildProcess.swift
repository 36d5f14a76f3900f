import CPosixShims
import Dispatch
import FoundationEssentials
import Glibc
import PosixThreads
import Synchronization

/// A running child process started with `posix_spawn` (argv arrays only; no shell).
///
/// Its exit is collected by one dedicated thread blocked in `waitpid`, so waiting never occupies a
/// thread of Swift's cooperative pool. Once reaped, the pid is never signalled again, because the
/// kernel may have handed the number to another process.
public final class ChildProcess: Sendable {
    public let pid: Int32
    /// Whether the child leads its own process group (see `ProcessSpec.newSession`).
    public let leadsProcessGroup: Bool

    private enum State {
        case running(waiters: [CheckedContinuation<ExitStatus, Never>])
        case exited(ExitStatus)
    }
    private let state = Mutex<State>(.running(waiters: []))

    private init(pid: Int32, leadsProcessGroup: Bool) {
        self.pid = pid
        self.leadsProcessGroup = leadsProcessGroup
    }

    /// Starts the child described by `spec`.
    public static func spawn(_ spec: ProcessSpec) throws -> ChildProcess {
        guard spec.diesWithParent else {
            let child = ChildProcess(pid: try launch(spec), leadsProcessGroup: spec.newSession)
            do {
                try DetachedThread.start(named: "reap-\(child.pid)") { child.reap() }
            } catch {
                // Nobody could ever reap it: take it down now rather than leave a zombie.
                kill(child.pid, SIGKILL)
                child.reap()
                throw ChildProcessError.spawnFailed(executable: spec.executable, errno: error.errno)
            }
            return child
        }
        // Launched from the reaping thread: the parent-death signal fires when the spawning
        // thread ends, and this one ends only after the child did.
        let handoff = SpawnHandoff()
        do {
            try DetachedThread.start(named: "spawn-and-reap") {
                let launched = Result { () throws(ChildProcessError) in try launch(spec) }
                handoff.publish(launched.map { ChildProcess(pid: $0, leadsProcessGroup: spec.newSession) })
                if case .success(let child) = handoff.result { child.reap() }
            }
        } catch {
            throw ChildProcessError.spawnFailed(executable: spec.executable, errno: error.errno)
        }
        return try handoff.waitForResult().get()
    }

    /// posix_spawn with `spec`; returns the pid.
    private static func launch(_ spec: ProcessSpec) throws(ChildProcessError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var outputDescriptor: Int32 = -1
        defer { if outputDescriptor >= 0 { close(outputDescriptor) } }
        switch spec.output {
        case .inherit:
            break
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .appendToFile(let path):
            // Opened here rather than by the child so that a bad path is reported as such.
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ChildProcessError.outputFileUnavailable(path: path, errno: errno) }
            outputDescriptor = fd
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_adddup2(&actions, fd, 2)
        }
        if let directory = spec.workingDirectory {
            pgswarm_spawn_file_actions_addchdir(&actions, directory)
        }

        // Reset signal dispositions and mask: the child must not inherit a blocked SIGTERM.
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if spec.newSession { flags |= pgswarm_spawn_flag_setsid() }
        posix_spawnattr_setflags(&attributes, flags)

        let (executable, arguments) = try commandLine(for: spec)
        let argv = [executable] + arguments
        let envp = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStringArray(argv) { cArgv in
            withCStringArray(envp) { cEnvp in
                posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnvp)
            }
        }
        guard result == 0 else { throw ChildProcessError.spawnFailed(executable: spec.executable, errno: result) }
        return pid
    }

    /// The program and arguments to exec: `spec`'s own, or wrapped in setpriv(1) to switch user
    /// and/or set the parent-death signal. setpriv execs the program in place (no fork, unlike
    /// su/runuser), so the pid we get is the program's own and signals reach it directly; it sets
    /// the parent-death signal after switching user (a switch clears it).
    private static func commandLine(for spec: ProcessSpec) throws(ChildProcessError) -> (String, [String]) {
        var wrapper: [String] = []
        if let user = spec.user, geteuid() == 0 {
            guard let entry = getpwnam(user) else { throw ChildProcessError.unknownUser(user) }
            wrapper += ["--reuid=\(entry.pointee.pw_uid)", "--regid=\(entry.pointee.pw_gid)", "--init-groups"]
        }
        if spec.diesWithParent { wrapper += ["--pdeathsig", "KILL"] }
        guard !wrapper.isEmpty else { return (spec.executable, spec.arguments) }
        return ("/usr/bin/setpriv", wrapper + ["--", spec.executable] + spec.arguments)
    }

    /// The exit status, once the child has been reaped.
    public var exitStatus: ExitStatus? {
        state.withLock { state in
            if case .exited(let status) = state { return status }
            return nil
        }
    }

    /// Suspends until the child exits.
    public func waitForExit() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let finished: ExitStatus? = state.withLock { state in
                switch state {
                case .exited(let status):
                    return status
                case .running(var waiters):
                    waiters.append(continuation)
                    state = .running(waiters: waiters)
                    return nil
                }
            }
            if let finished { continuation.resume(returning: finished) }
        }
    }

    /// Sends `signal` to the child (or to its whole process group when it leads one) unless it has
    /// already been reaped. Returns whether a signal was sent.
    @discardableResult
    public func send(signal: Int32, toGroup: Bool = true) -> Bool {
        // Holding the lock keeps the reaper from reaping between the check and the kill.
        state.withLock { state in
            guard case .running = state else { return false }
            let target = (toGroup && leadsProcessGroup) ? -pid : pid
            return kill(target, signal) == 0
        }
    }

    /// Blocks the calling (dedicated) thread until the child exits, then records its status.
    private func reap() {
        // Wait without reaping first (WNOWAIT): until the zombie is reaped below, under the lock,
        // the pid cannot be recycled, so `send(signal:)` can never hit an unrelated process.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        let waiters: [CheckedContinuation<ExitStatus, Never>] = state.withLock { state in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            guard case .running(let waiters) = state else { return [] }
            state = .exited(Self.decode(raw))
            return waiters
        }
        let status = exitStatus ?? .exited(code: -1)
        for waiter in waiters { waiter.resume(returning: status) }
    }

    private static func decode(_ raw: Int32) -> ExitStatus {
        let signal = raw & 0x7f
        if signal == 0 { return .exited(code: (raw >> 8) & 0xff) }
        return .signalled(signal: signal)
    }
}

/// Calls `body` with a NULL-terminated array of C strings that lives for the duration of the call.
func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// Hands the outcome of a launch from the spawning thread to the caller of `spawn`.
private final class SpawnHandoff: Sendable {
    private let outcome = Mutex<Result<ChildProcess, ChildProcessError>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func publish(_ result: Result<ChildProcess, ChildProcessError>) {
        outcome.withLock { $0 = result }
        ready.signal()
    }

    var result: Result<ChildProcess, ChildProcessError>? { outcome.withLock { $0 } }

    func waitForResult() -> Result<ChildProcess, ChildProcessError> {
        ready.wait()
        return result ?? .failure(.spawnFailed(executable: "?", errno: EINVAL))
    }
}
