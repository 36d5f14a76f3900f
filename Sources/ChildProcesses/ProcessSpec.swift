/// What to start: an executable with an argument array (never a shell string), its environment,
/// working directory and where its output goes.
public struct ProcessSpec: Sendable, Equatable {
    /// Where a child's standard output and standard error go.
    public enum Output: Sendable, Equatable {
        /// Shares the parent's descriptors.
        case inherit
        /// `/dev/null`.
        case discard
        /// Appended to a file (created with mode 0600 if missing).
        case appendToFile(String)
    }

    /// Absolute path of the program (no PATH search: what runs is exactly what was named).
    public var executable: String
    /// argv[1...]; argv[0] is the executable path.
    public var arguments: [String]
    /// The complete environment of the child; nothing is inherited implicitly.
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Start the child in a new session (its own process group), so that signalling the group
    /// reaches every process it forks, e.g. a postmaster and its backends.
    public var newSession: Bool
    public var output: Output
    /// Run as this user instead of the current one (only possible as root; used by tests, which
    /// CI runs as root, to start PostgreSQL tools that refuse to run as root).
    public var user: String?
    /// The child is killed (SIGKILL) when this process dies, even by SIGKILL: the kernel's
    /// parent-death signal, set by setpriv(1) right before it execs the program (after any user
    /// switch, which would clear it). The kernel sends it when the *thread* that spawned the child
    /// ends, so such children are spawned from the thread that reaps them, which lives exactly
    /// as long as the child. Needs /usr/bin/setpriv (util-linux).
    public var diesWithParent: Bool

    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, newSession: Bool = false, output: Output = .inherit, user: String? = nil,
        diesWithParent: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.newSession = newSession
        self.output = output
        self.user = user
        self.diesWithParent = diesWithParent
    }

    /// The command line for logs, with every argument that `isSecret` flags replaced.
    public func redactedCommandLine(isSecret: (String) -> Bool = { _ in false }) -> String {
        ([executable] + arguments.map { isSecret($0) ? "<redacted>" : $0 }).joined(separator: " ")
    }
}

/// How a child ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(code: Int32)
    case signalled(signal: Int32)

    public var isSuccess: Bool { self == .exited(code: 0) }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with code \(code)"
        case .signalled(let signal): return "killed by signal \(signal)"
        }
    }
}

public enum ChildProcessError: Error, Equatable, CustomStringConvertible {
    case spawnFailed(executable: String, errno: Int32)
    case outputFileUnavailable(path: String, errno: Int32)
    case timedOut(executable: String, after: Duration)
    case unknownUser(String)

    public var description: String {
        switch self {
        case .spawnFailed(let executable, let code):
            return "could not start \(executable): \(errnoDescription(code))"
        case .outputFileUnavailable(let path, let code):
            return "could not open output file \(path): \(errnoDescription(code))"
        case .timedOut(let executable, let after):
            return "\(executable) did not finish within \(after) and was killed"
        case .unknownUser(let name):
            return "no such user: \(name)"
        }
    }
}
