/// Where a session's connection is in its life.
enum SessionPhase: Sendable {
    /// Calls come and go.
    case active
    /// GOAWAY was sent or received: no new streams; the connection closes once the last one ends.
    case draining
    /// Flushing what is queued (a GOAWAY after an error, the last trailers), then closing.
    /// `lingers`: the peer broke the rules and may still be sending, so keep reading a moment
    /// after the GOAWAY is out (see `SessionConfiguration.lingerTimeout`).
    case closing(GRPCStatus, lingers: Bool)
    /// The socket is closed; calls still waiting fail with this status.
    case closed(GRPCStatus)

    /// The status calls fail with once the connection is gone, nil while it can still carry them.
    var terminalStatus: GRPCStatus? {
        switch self {
        case .active, .draining: nil
        case .closing(let status, _), .closed(let status): status
        }
    }
}
