import PosixThreads
import Synchronization

/// One PostgreSQL session, on a thread of its own.
///
/// The actor runs on a `DedicatedThreadExecutor`, so the session's blocking socket calls never occupy Swift's
/// cooperative pool. Use `query` from async code (it honours task cancellation); inside
/// `transaction`, the body runs synchronously on the connection and calls `execute`, so no other
/// caller's statement can interleave with the transaction.
public actor PostgresConnection {
    private let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let configuration: PostgresConfiguration
    private var connection: WireConnection?
    private nonisolated let wake = WakeSignal()
    private nonisolated let closed = Atomic<Bool>(false)
    private var transactionDepth = 0

    /// The server process serving this session (`pg_backend_pid()`), 0 before connecting.
    public private(set) var backendPID: Int32 = 0
    /// e.g. 150018 for 15.18.
    public private(set) var serverVersion: Int32 = 0

    private init(configuration: PostgresConfiguration) throws(PostgresError) {
        self.configuration = configuration
        do {
            executor = try DedicatedThreadExecutor(name: "pg-\(configuration.applicationName)")
        } catch {
            throw .connectionFailed(message: error.description)
        }
    }

    deinit { executor.shutdown() }

    /// Opens a session: connects within `configuration.connectTimeout`, then fixes the session
    /// settings every decoder relies on (UTC, ISO dates, hex bytea, exact floats).
    public static func connect(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
        let connection = try PostgresConnection(configuration: configuration)
        try await withTaskCancellationHandler {
            try await connection.open()
        } onCancel: {
            connection.wake.raise()
        }
        return connection
    }

    private func open() throws {
        wake.reset()
        if Task.isCancelled { throw PostgresError.cancelled }
        let opened = try WireConnection.connect(configuration, wake: wake)
        connection = opened
        backendPID = opened.backendPID
        serverVersion = opened.serverVersion
        let timeout = max(0, configuration.statementTimeoutMilliseconds)
        _ = try run(
            sql: "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET IntervalStyle TO 'iso_8601';"
                + " SET extra_float_digits TO 3; SET bytea_output TO 'hex'; SET statement_timeout TO \(timeout)",
            parameters: nil, timeoutSeconds: configuration.connectTimeout)
    }

    /// True once the session is closed or broken; a pool drops such connections.
    public nonisolated var isClosed: Bool { closed.load(ordering: .acquiring) }

    public func close() {
        connection?.finish()
        connection = nil
        closed.store(true, ordering: .releasing)
    }

    // MARK: Statements

    /// Runs one statement with its parameters. Cancelling the calling task cancels the statement.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try await withTaskCancellationHandler {
            try await execute(query)
        } onCancel: {
            wake.raise()
        }
    }

    /// Runs one statement synchronously on the connection (use inside `transaction`).
    @discardableResult
    public func execute(_ query: PostgresQuery) throws -> PostgresResult {
        let sql = try render(query)
        return try run(sql: sql, parameters: query.binds, timeoutSeconds: configuration.queryTimeout)
    }

    /// Runs several statements separated by semicolons through the simple protocol, without
    /// parameters: for trusted scripts such as migrations.
    public func executeScript(_ sql: String) throws {
        _ = try run(sql: sql, parameters: nil, timeoutSeconds: configuration.queryTimeout)
    }

    /// Runs `body` inside BEGIN ... COMMIT, rolling back if it throws. The body runs on the
    /// connection's thread without suspending, so the transaction is never interleaved.
    public nonisolated func transaction<T: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) throws -> T
    ) async throws -> T {
        try await withTaskCancellationHandler {
            try await runTransaction(body)
        } onCancel: {
            wake.raise()
        }
    }

    private func runTransaction<T: Sendable>(_ body: @Sendable (isolated PostgresConnection) throws -> T) throws -> T {
        guard transactionDepth == 0 else { throw PostgresError.invalidArgument("nested transaction") }
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            // The original error matters more than a failed rollback on a broken session.
            _ = try? run(sql: "ROLLBACK", parameters: nil, timeoutSeconds: configuration.queryTimeout)
            throw error
        }
    }

    /// The SQL text of `query` with identifiers and literals escaped as libpq escapes them.
    public func render(_ query: PostgresQuery) throws -> String {
        let connection = try openConnection()
        var sql = ""
        for segment in query.segments {
            switch segment {
            case .sql(let text): sql += text
            case .parameter(let index): sql += "$\(index)"
            case .identifier(let name): sql += try connection.escapeIdentifier(name)
            case .literal(let text): sql += try connection.escapeLiteral(text)
            }
        }
        return sql
    }

    // MARK: Notifications

    /// Waits up to `seconds` for a NOTIFY on a channel this session LISTENs to.
    public func nextNotification(waitingUpTo seconds: Double) throws -> PostgresNotification? {
        let connection = try openConnection()
        defer { noteIfBroken() }
        if Task.isCancelled { throw PostgresError.cancelled }
        return try connection.nextNotification(until: .after(seconds: seconds))
    }

    /// Subscribes to `channel` and streams its notifications until the stream is dropped.
    /// Use a connection of its own for this: waiting keeps the session busy.
    public nonisolated func notifications(on channel: String) async throws -> AsyncThrowingStream<
        PostgresNotification, any Error
    > {
        try await execute("LISTEN \(identifier: channel)")
        let (stream, continuation) = AsyncThrowingStream<PostgresNotification, any Error>.makeStream()
        let task = Task {
            do {
                while !Task.isCancelled {
                    let next = try await withTaskCancellationHandler {
                        try await nextNotification(waitingUpTo: 0.5)
                    } onCancel: {
                        wake.raise()
                    }
                    if let next { continuation.yield(next) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    // MARK: Plumbing

    private func run(sql: String, parameters: [PostgresBind]?, timeoutSeconds: Double?) throws -> PostgresResult {
        let connection = try openConnection()
        defer { noteIfBroken() }
        connection.wake.reset()
        // A cancellation that arrived before this job ran raised the signal we just reset.
        if Task.isCancelled { throw PostgresError.cancelled }
        let deadline = timeoutSeconds.map { Deadline.after(seconds: $0) } ?? .never
        return try connection.execute(
            sql: sql, parameters: parameters, deadline: deadline, timeoutSeconds: timeoutSeconds)
    }

    private func openConnection() throws -> WireConnection {
        guard let connection, connection.isOpen else {
            close()
            throw PostgresError.connectionClosed(message: "connection is closed")
        }
        return connection
    }

    private func noteIfBroken() {
        if let connection, !connection.isOpen { close() }
    }
}
