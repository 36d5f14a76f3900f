import CLibPQ
import FoundationEssentials
import Glibc
import PosixThreads
import TextBasics

/// The blocking libpq shell: one `PGconn` driven in non-blocking mode with poll(2), so every wait
/// honours a deadline and can be interrupted by a `WakeSignal`. Used only from its connection's
/// dedicated thread.
final class LibPQConnection {
    private var handle: OpaquePointer?
    let wake: WakeSignal
    private let cancelGrace: Double

    private init(handle: OpaquePointer, wake: WakeSignal, cancelGrace: Double) {
        self.handle = handle
        self.wake = wake
        self.cancelGrace = cancelGrace
    }

    deinit { finish() }

    var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server's process id for this session (`pg_backend_pid()`).
    var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    var serverVersion: Int32 { handle.map { PQserverVersion($0) } ?? 0 }

    func finish() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    // MARK: Connect

    static func connect(_ configuration: PostgresConfiguration, wake: WakeSignal) throws -> LibPQConnection {
        guard !configuration.connectionString.utf8.contains(0) else {
            throw PostgresError.invalidArgument("connection string contains a NUL byte")
        }
        // Order matters with expand_dbname: settings before `dbname` are defaults the connection
        // string may override; settings after it are forced.
        let libpqTimeout = String(max(2, Int(configuration.connectTimeout.rounded(.up))))
        let parameters: [(String, String)] = [
            ("connect_timeout", libpqTimeout),
            ("application_name", configuration.applicationName),
            // Detect a dead peer on idle sessions within ~15 s instead of the kernel's two hours.
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "5"),
            ("dbname", configuration.connectionString),
            ("client_encoding", "UTF8"),
        ]
        let deadline = Deadline.after(seconds: configuration.connectTimeout)
        let raw: OpaquePointer? = withCStringArray(parameters.map(\.0)) { keywords in
            withCStringArray(parameters.map(\.1)) { values in
                PQconnectStartParams(keywords, values, 1)
            }
        }
        guard let raw else { throw PostgresError.connectionFailed(message: "out of memory") }
        let connection = LibPQConnection(handle: raw, wake: wake, cancelGrace: configuration.cancelGrace)
        guard PQstatus(raw) != CONNECTION_BAD else {
            throw PostgresError.connectionFailed(message: connection.lastErrorMessage)
        }
        PQsetNoticeProcessor(raw, ignoreNotice, nil)
        var status = PGRES_POLLING_WRITING
        while status != PGRES_POLLING_OK {
            switch status {
            case PGRES_POLLING_FAILED:
                throw PostgresError.connectionFailed(message: connection.lastErrorMessage)
            case PGRES_POLLING_READING:
                try connection.waitForSocket(readable: true, writable: false, until: deadline) {
                    PostgresError.connectTimeout(seconds: configuration.connectTimeout)
                }
            default:
                try connection.waitForSocket(readable: false, writable: true, until: deadline) {
                    PostgresError.connectTimeout(seconds: configuration.connectTimeout)
                }
            }
            status = PQconnectPoll(raw)
        }
        guard PQsetnonblocking(raw, 1) == 0 else {
            throw PostgresError.connectionFailed(message: connection.lastErrorMessage)
        }
        return connection
    }

    // MARK: Statements

    /// Runs one statement (or, with `parameters == nil`, a script of several through the simple
    /// protocol) and returns the last result.
    func execute(sql: String, parameters: [PostgresBind]?, deadline: Deadline, timeoutSeconds: Double?) throws
        -> PostgresResult
    {
        guard let handle else { throw PostgresError.connectionClosed(message: "connection is closed") }
        guard !sql.utf8.contains(0) else { throw PostgresError.invalidArgument("SQL text contains a NUL byte") }
        wake.reset()
        let sent: Int32
        if let parameters {
            sent = try sendParameterized(handle, sql: sql, parameters: parameters)
        } else {
            sent = PQsendQuery(handle, sql)
        }
        guard sent == 1 else { throw brokenOrClosed() }
        do {
            try flush(handle, deadline: deadline, timeoutSeconds: timeoutSeconds)
        } catch {
            // A half-sent statement leaves the protocol out of step: the session cannot be reused.
            finish()
            throw error
        }
        return try collectResults(handle, deadline: deadline, timeoutSeconds: timeoutSeconds)
    }

    private func sendParameterized(_ handle: OpaquePointer, sql: String, parameters: [PostgresBind]) throws -> Int32 {
        if parameters.contains(where: { $0.format == .text && ($0.bytes?.contains(0) ?? false) }) {
            throw PostgresError.invalidArgument("a text parameter contains a NUL byte (use bytea)")
        }
        let types = parameters.map { Oid($0.type.rawValue) }
        let formats = parameters.map { $0.format.rawValue }
        let lengths = parameters.map { Int32($0.bytes?.count ?? 0) }
        // Text values need a terminating NUL; binary ones are passed with their length.
        let buffers: [[CChar]?] = parameters.map { bind in
            bind.bytes.map { bytes in bytes.map { CChar(bitPattern: $0) } + [0] }
        }
        return withPointers(to: buffers) { values in
            PQsendQueryParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
    }

    private func flush(_ handle: OpaquePointer, deadline: Deadline, timeoutSeconds: Double?) throws {
        while true {
            let result = PQflush(handle)
            if result == 0 { return }
            guard result == 1 else { throw brokenOrClosed() }
            try waitForSocket(readable: true, writable: true, until: deadline) {
                PostgresError.queryTimeout(seconds: timeoutSeconds ?? 0)
            }
            guard PQconsumeInput(handle) == 1 else { throw brokenOrClosed() }
        }
    }

    private func collectResults(_ handle: OpaquePointer, deadline: Deadline, timeoutSeconds: Double?) throws
        -> PostgresResult
    {
        var outcome: Result<PostgresResult, PostgresError>?
        var interruption: PostgresError?
        var graceDeadline: Deadline?
        while true {
            while PQisBusy(handle) == 1 {
                do {
                    try waitForSocket(readable: true, writable: false, until: graceDeadline ?? deadline) {
                        PostgresError.queryTimeout(seconds: timeoutSeconds ?? 0)
                    }
                } catch let error as PostgresError {
                    if graceDeadline != nil {
                        // The server ignored the cancel (or is unreachable): give up on the session.
                        finish()
                        throw interruption ?? error
                    }
                    // First deadline or cancellation: ask the server to cancel, then wait a little.
                    interruption = error
                    requestCancel(handle)
                    graceDeadline = Deadline.after(seconds: cancelGrace)
                    wake.reset()
                    continue
                }
                guard PQconsumeInput(handle) == 1 else { throw brokenOrClosed() }
            }
            guard let result = PQgetResult(handle) else { break }
            defer { PQclear(result) }
            let converted = convert(result)
            switch (outcome, converted) {
            case (.failure, _): break  // keep the first error
            default: outcome = converted
            }
        }
        if let interruption { throw interruption }
        guard let outcome else {
            return PostgresResult(columns: .init(names: [], types: []), rows: [], affectedRows: 0, commandTag: "")
        }
        return try outcome.get()
    }

    private func convert(_ result: OpaquePointer) -> Result<PostgresResult, PostgresError> {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return .success(readResult(result))
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // COPY needs a data phase this layer does not offer; the session is unusable now.
            finish()
            return .failure(.invalidArgument("COPY is not supported through this API"))
        default:
            return .failure(serverError(result))
        }
    }

    private func readResult(_ result: OpaquePointer) -> PostgresResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let names = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let types = (0..<columnCount).map { PostgresDataType(rawValue: UInt32(PQftype(result, Int32($0)))) }
        let columns = PostgresColumns(names: names, types: types)
        var values: [[UInt8]?] = []
        values.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let pointer = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                    values.append(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
                }
            }
        }
        let rows = (0..<rowCount).map { row in
            PostgresRow(columns: columns, values: values[(row * columnCount)..<((row + 1) * columnCount)])
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresResult(
            columns: columns, rows: rows, affectedRows: affected, commandTag: String(cString: PQcmdStatus(result)))
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        guard let state = field("C") else {
            // No SQLSTATE: libpq itself failed (usually the connection broke mid-query).
            let message = String(cString: PQresultErrorMessage(result)).trimmingWhitespace
            return .connectionClosed(message: message.isEmpty ? "connection lost" : message)
        }
        return .server(
            .init(
                sqlState: SQLState(rawValue: state), severity: field("V") ?? field("S") ?? "ERROR",
                message: field("M") ?? "", detail: field("D"), hint: field("H"), constraint: field("n")))
    }

    // MARK: Notifications

    /// Returns the next notification, waiting until `deadline`; nil if none arrived.
    func nextNotification(until deadline: Deadline) throws -> PostgresNotification? {
        guard let handle else { throw PostgresError.connectionClosed(message: "connection is closed") }
        wake.reset()
        while true {
            guard PQconsumeInput(handle) == 1 else { throw brokenOrClosed() }
            if let notify = PQnotifies(handle) {
                defer { PQfreemem(notify) }
                return PostgresNotification(
                    channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid)
            }
            do {
                try waitForSocket(readable: true, writable: false, until: deadline) {
                    PostgresError.queryTimeout(seconds: 0)
                }
            } catch PostgresError.queryTimeout {
                return nil
            }
        }
    }

    // MARK: Escaping

    func escapeIdentifier(_ name: String) throws -> String {
        try escape(name, with: PQescapeIdentifier, what: "identifier")
    }

    func escapeLiteral(_ text: String) throws -> String {
        try escape(text, with: PQescapeLiteral, what: "literal")
    }

    private func escape(
        _ text: String, with function: (OpaquePointer?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?,
        what: String
    ) throws -> String {
        guard let handle else { throw PostgresError.connectionClosed(message: "connection is closed") }
        guard !text.utf8.contains(0) else { throw PostgresError.invalidArgument("\(what) contains a NUL byte") }
        guard !text.isEmpty || what == "literal" else { throw PostgresError.invalidArgument("empty identifier") }
        let escaped = text.withCString { function(handle, $0, text.utf8.count) }
        guard let escaped else { throw PostgresError.invalidArgument("cannot escape \(what): \(lastErrorMessage)") }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    // MARK: Waiting

    /// Waits until the socket is ready, the deadline passes (throws `timeout()`), or the wake
    /// signal is raised (throws `.cancelled`).
    private func waitForSocket(
        readable: Bool, writable: Bool, until deadline: Deadline, timeout: () -> PostgresError
    ) throws {
        guard let handle else { throw PostgresError.connectionClosed(message: "connection is closed") }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw brokenOrClosed() }
        var events: Int16 = 0
        if readable { events |= Int16(POLLIN) }
        if writable { events |= Int16(POLLOUT) }
        while true {
            if wake.isRaised { throw PostgresError.cancelled }
            var descriptors = [
                pollfd(fd: socket, events: events, revents: 0),
                pollfd(fd: wake.fileDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, deadline.pollTimeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgresError.connectionClosed(message: "poll failed: \(String(cString: strerror(errno)))")
            }
            if wake.isRaised { throw PostgresError.cancelled }
            if ready == 0 {
                if deadline.hasPassed { throw timeout() }
                continue
            }
            if descriptors[0].revents != 0 { return }
        }
    }

    /// Asks the server to cancel the running statement. `PQcancel` opens a new connection and
    /// blocks, possibly for long against an unreachable host, so it runs on a throwaway thread.
    private func requestCancel(_ handle: OpaquePointer) {
        guard let cancel = PQgetCancel(handle) else { return }
        let box = CancelHandle(pointer: cancel)
        do {
            try DetachedThread.start(named: "pg-cancel") {
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(box.pointer, &buffer, 256)
                PQfreeCancel(box.pointer)
            }
        } catch {
            // No thread for the cancel request: the statement runs on until its timeout ends the
            // session, as the caller already handles.
            PQfreeCancel(box.pointer)
        }
    }

    var lastErrorMessage: String {
        guard let handle, let message = PQerrorMessage(handle) else { return "unknown error" }
        let text = String(cString: message).trimmingWhitespace
        return text.isEmpty ? "unknown error" : text
    }

    private func brokenOrClosed() -> PostgresError {
        let message = lastErrorMessage
        if !isOpen { finish() }
        return .connectionClosed(message: message)
    }
}

/// A `PGcancel` handed to the thread that uses and frees it; nothing else touches it.
private struct CancelHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Notices (e.g. "table does not exist, skipping") would otherwise go to stderr.
private func ignoreNotice(_ argument: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {}

/// Calls `body` with C pointers to each buffer (nil for NULL) valid for the call's duration.
private func withPointers<R>(to buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = buffers.map { buffer in
        guard let buffer else { return nil }
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: buffer.count)
        copy.initialize(from: buffer, count: buffer.count)
        return copy
    }
    defer { copies.forEach { $0?.deallocate() } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    return body(duplicates.map { UnsafePointer($0) } + [nil])
}
