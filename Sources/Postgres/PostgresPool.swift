/// A bounded pool of sessions to one server, for central's request handlers.
///
/// At most `maximumConnections` sessions exist; callers beyond that wait in FIFO order for up to
/// `acquireTimeout` seconds. A session that broke is dropped when returned, and a replacement is
/// opened on demand, so a database restart heals without restarting the process.
public actor PostgresPool {
    public let maximumConnections: Int
    public let acquireTimeout: Double
    private let configuration: PostgresConfiguration

    private var idle: [PostgresConnection] = []
    /// Sessions lent out plus sessions being opened.
    private var inUse = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<PostgresConnection?, any Error>)] = []
    private var nextWaiterID: UInt64 = 0
    private var isClosed = false

    public init(configuration: PostgresConfiguration, maximumConnections: Int = 8, acquireTimeout: Double = 10) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
    }

    /// Lends a session to `body` and takes it back afterwards.
    public func withConnection<T: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled session.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs `body` in a transaction on a pooled session.
    public func transaction<T: Sendable>(_ body: @Sendable (isolated PostgresConnection) throws -> T) async throws -> T
    {
        try await withConnection { try await $0.transaction(body) }
    }

    /// Closes idle sessions and fails every waiter; lent sessions close when returned.
    public func close() async {
        isClosed = true
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.continuation.resume(throwing: PostgresError.poolClosed) }
        let sessions = idle
        idle.removeAll()
        for session in sessions { await session.close() }
    }

    /// Counts for metrics: sessions idle, lent (or opening), and callers waiting.
    public var statistics: (idle: Int, inUse: Int, waiting: Int) { (idle.count, inUse, waiters.count) }

    // MARK: Lending

    private func acquire() async throws -> PostgresConnection {
        while true {
            guard !isClosed else { throw PostgresError.poolClosed }
            while let candidate = idle.popLast() {
                if !candidate.isClosed {
                    inUse += 1
                    return candidate
                }
            }
            if inUse < maximumConnections {
                inUse += 1
                do {
                    return try await PostgresConnection.connect(configuration)
                } catch {
                    inUse -= 1
                    handOffCapacity()
                    throw error
                }
            }
            // Full: wait for a returned session (nil = capacity freed, try again).
            if let lent = try await waitForRelease() { return lent }
        }
    }

    private func waitForRelease() async throws -> PostgresConnection? {
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: .seconds(timeout))
            await self?.expireWaiter(id, error: .poolTimeout(seconds: timeout))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.expireWaiter(id, error: .cancelled) }
        }
    }

    private func expireWaiter(_ id: UInt64, error: PostgresError) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }

    private func release(_ connection: PostgresConnection) {
        if isClosed || connection.isClosed {
            inUse -= 1
            if !connection.isClosed { Task { await connection.close() } }
            handOffCapacity()
            return
        }
        if !waiters.isEmpty {
            // Hand the session straight to the longest waiter; it stays counted as in use.
            waiters.removeFirst().continuation.resume(returning: connection)
            return
        }
        inUse -= 1
        idle.append(connection)
    }

    /// A slot freed without a session to hand over: wake one waiter to open a new session.
    private func handOffCapacity() {
        guard !waiters.isEmpty else { return }
        waiters.removeFirst().continuation.resume(returning: nil)
    }
}
