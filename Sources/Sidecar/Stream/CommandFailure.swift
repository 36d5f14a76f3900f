import Failover
public import PGSwarmAPI
import Postgres

/// Why a command failed, with its wire code (`CommandErrorCode`). Thrown by the rules and by
/// `StreamInstance` implementations; any other error is classified by `init(classifying:)`.
public struct CommandFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Pgswarm_V1_CommandErrorCode
    public var message: String

    public init(_ code: Pgswarm_V1_CommandErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The wire code of any error a command may end with. The distinction that matters to the
    /// satellite is whether the command may have taken effect: a connection that could not be
    /// opened means it did not run (POSTGRES_UNAVAILABLE); one that broke while the statement ran
    /// (57P01 while pg_promote() waits, a closed socket) means nobody knows (OUTCOME_UNKNOWN).
    /// Commands run on a fresh session each, so a broken session is never a stale one.
    public init(classifying error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case is DeadlinePassed:
            self.init(.timedOut, "no answer before the command's timeout; it may still take effect")
        case let error as PostgresError:
            self.init(postgres: error)
        case let error as LocalNodeError:
            switch error {
            case .promotionUnfinished: self.init(.timedOut, "\(error)")
            case .notPrimary: self.init(.rejected, "\(error)")
            case .supervisor: self.init(.failed, "\(error)")
            }
        default:
            self.init(.failed, "\(error)")
        }
    }

    init(postgres error: PostgresError) {
        switch error {
        case .connectionFailed, .connectTimeout:
            self.init(.postgresUnavailable, "\(error)")
        case .connectionClosed:
            self.init(.outcomeUnknown, "the connection dropped while the command ran: \(error)")
        case .queryTimeout, .cancelled:
            self.init(.timedOut, "\(error)")
        case .invalidArgument:
            self.init(.invalidArgument, "\(error)")
        case .server(let server) where Self.connectionLost.contains(server.sqlState):
            self.init(.outcomeUnknown, "the server ended the session while the command ran: \(error)")
        case .server(let server) where server.sqlState == .cannotConnectNow:
            self.init(.postgresUnavailable, "\(error)")
        case .server, .decoding, .poolTimeout, .poolClosed, .fileAccess, .toolFailed:
            self.init(.failed, "\(error)")
        }
    }

    /// Operator intervention (57P01 admin shutdown, 57P02 crash shutdown): the backend went away.
    static let connectionLost: Set<SQLState> = [.adminShutdown, SQLState(rawValue: "57P02")]
}
