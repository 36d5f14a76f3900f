public import Failover
public import Postgres
public import Supervisor

/// The local PostgreSQL and its supervisor, as the shell uses them: one observation per cycle
/// and one method per step. Every method is bounded by the caller (`withDeadline`) and by its
/// own timeouts; failures throw.
public protocol LocalNode: Sendable {
    /// What the local server looks like now. `memberAt` maps an upstream address to the member
    /// name it belongs to (from the peers' published statuses).
    func observe(memberAt: @Sendable (SourceServer) -> String?) async -> LocalObservation
    /// The hard fence; also succeeds with PostgreSQL down (the rules file is fenced).
    func fence() async throws
    func unfence() async throws
    /// pg_promote, then a CHECKPOINT so that peers can pg_rewind against the new timeline.
    func promote() async throws
    /// Asks the supervisor to make PostgreSQL a standby of `source` (re-point, rewind, rebuild).
    /// Makes this member a standby of `source` (re-point, rewind or rebuild); returns how, when
    /// the supervisor says.
    func follow(_ source: SourceServer, timeout: Duration) async throws -> FollowOutcome?
    func restart(timeout: Duration) async throws
    /// Sets `synchronous_standby_names` (ALTER SYSTEM + reload) and returns the WAL position
    /// read right after the reload took effect.
    func setSynchronousStandbys(_ names: [String]) async throws -> LSN
    /// Hands the watchdog deadline to the supervisor.
    func setWatchdog(_ writableUntil: BootInstant?) async throws
    func bootstrap(_ directive: BootDirective, timeout: Duration) async throws
    /// The handover is done: the supervisor may stop PostgreSQL now.
    func releaseShutdown() async throws
    func checkpoint() async throws
    func reloadConfiguration() async throws
    /// Creates the role (LOGIN) if missing, sets its password, creates the database owned by it
    /// if missing. Identifiers quoted, the password escaped as a literal and never logged.
    func createDatabase(name: String, owner: String, password: String) async throws
}

/// One observation of the local node.
public struct LocalObservation: Sendable, Equatable {
    public var local: LocalPostgres
    /// The supervisor's report; nil when its socket did not answer.
    public var supervisor: SupervisorStatus?
    /// The status query's result when the server answered.
    public var node: NodeStatus?

    public init(local: LocalPostgres, supervisor: SupervisorStatus?, node: NodeStatus?) {
        self.local = local
        self.supervisor = supervisor
        self.node = node
    }

    /// The supervisor waits for a bootstrap directive (an empty volume).
    public var awaitsDirective: Bool { supervisor?.state == .awaitingDirective }
}

public enum LocalNodeError: Error, Equatable, CustomStringConvertible {
    case supervisor(String)
    case promotionUnfinished
    case notPrimary

    public var description: String {
        switch self {
        case .supervisor(let message): "supervisor: \(message)"
        case .promotionUnfinished: "PostgreSQL did not finish the promotion"
        case .notPrimary: "PostgreSQL is not a primary"
        }
    }
}
