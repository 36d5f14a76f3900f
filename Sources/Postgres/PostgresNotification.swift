/// A NOTIFY delivered to a session that LISTENs on `channel`.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    /// The backend that sent it.
    public var senderPID: Int32
}
