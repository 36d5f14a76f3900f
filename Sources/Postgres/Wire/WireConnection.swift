import FoundationEssentials
import Glibc
import PosixThreads
import TextBasics

/// One PostgreSQL session over the frontend/backend protocol 3.0, spoken directly: no libpq, whose
/// dependencies (Kerberos, LDAP, GnuTLS, ~3.7 MB resident) every failover sidecar would carry.
/// Blocking calls with deadlines, interruptible by a `WakeSignal`; used only from its connection's
/// dedicated thread.
final class WireConnection {
    let wake: WakeSignal
    private var socket: WireSocket?
    private var reader = ByteReader()
    private let cancelGrace: Double
    private var endpoint: ConnectionParameters.Endpoint
    private var secretKey: [UInt8] = []
    private var parameterStatus: [String: String] = [:]
    private var notifications: [PostgresNotification] = []

    /// The server's process id for this session (`pg_backend_pid()`).
    private(set) var backendPID: Int32 = 0

    private init(socket: WireSocket, endpoint: ConnectionParameters.Endpoint, wake: WakeSignal, cancelGrace: Double) {
        self.socket = socket
        self.endpoint = endpoint
        self.wake = wake
        self.cancelGrace = cancelGrace
    }

    deinit { finish() }

    var isOpen: Bool { socket != nil }

    /// e.g. 150018 for 15.18, from the `server_version` the server reported.
    var serverVersion: Int32 { Self.versionNumber(parameterStatus["server_version"] ?? "") }

    func finish() {
        guard let socket else { return }
        try? socket.write(FrontendMessage.terminate(), until: .after(seconds: 0.2)) { PostgresError.cancelled }
        socket.close()
        self.socket = nil
    }

    // MARK: Connect

    static func connect(_ configuration: PostgresConfiguration, wake: WakeSignal) throws -> WireConnection {
        guard !configuration.connectionString.utf8.contains(0) else {
            throw PostgresError.invalidArgument("connection string contains a NUL byte")
        }
        var parameters = try ConnectionParameters.parse(configuration.connectionString)
        let environment = ProcessInfo.processInfo.environment
        parameters.applyDefaults(environment: environment, osUser: ConnectionParameters.currentOSUser())
        try parameters.validate()
        let home = environment["HOME"] ?? ConnectionParameters.homeDirectory()
        let tls = try TLSRequirement(parameters, home: home)
        let deadline = Deadline.after(seconds: configuration.connectTimeout)
        let timeout = { PostgresError.connectTimeout(seconds: configuration.connectTimeout) }
        var failures: [String] = []
        for endpoint in try parameters.endpoints() {
            do {
                let connection: WireConnection
                do {
                    connection = try connect(
                        to: endpoint, parameters: parameters, configuration: configuration, tls: tls, home: home,
                        wake: wake, deadline: deadline, timeout: timeout)
                } catch PostgresError.connectionFailed(let message) where tls.mode == .allow && !endpoint.isUnixSocket {
                    // sslmode=allow: the server refused the plain session; try again with TLS.
                    var encrypted = tls
                    encrypted.mode = .require
                    do {
                        connection = try connect(
                            to: endpoint, parameters: parameters, configuration: configuration, tls: encrypted,
                            home: home, wake: wake, deadline: deadline, timeout: timeout)
                    } catch PostgresError.connectionFailed(let second) {
                        throw PostgresError.connectionFailed(message: message + "; with SSL: " + second)
                    }
                }
                if try connection.satisfies(parameters["target_session_attrs"] ?? "any", deadline: deadline) {
                    return connection
                }
                connection.finish()
                failures.append(
                    "server at \(endpoint.host):\(endpoint.port) is not \(parameters["target_session_attrs"]!)")
            } catch PostgresError.connectionFailed(let message) {
                failures.append(message)
            } catch PostgresError.connectionClosed(let message) {
                failures.append(message)
            }
        }
        throw PostgresError.connectionFailed(message: failures.joined(separator: "; "))
    }

    private static func connect(
        to endpoint: ConnectionParameters.Endpoint, parameters: ConnectionParameters,
        configuration: PostgresConfiguration, tls: TLSRequirement, home: String?, wake: WakeSignal,
        deadline: Deadline, timeout: () -> PostgresError
    ) throws -> WireConnection {
        let keepalives = parameters["keepalives"] != "0"
        let socket = try WireSocket.connect(
            to: endpoint, keepalives: keepalives, wake: wake, deadline: deadline, timeout: timeout)
        let connection = WireConnection(
            socket: socket, endpoint: endpoint, wake: wake, cancelGrace: configuration.cancelGrace)
        do {
            if !endpoint.isUnixSocket && tls.mode != .disable && tls.mode != .allow {
                try connection.negotiateTLS(tls, parameters: parameters, deadline: deadline, timeout: timeout)
            }
            let user = parameters["user"] ?? ""
            let database = parameters["dbname"] ?? user
            var startup = [("user", user), ("database", database), ("client_encoding", "UTF8")]
            let applicationName =
                parameters["application_name"]
                ?? (configuration.applicationName.isEmpty
                    ? parameters["fallback_application_name"] : configuration.applicationName)
            if let applicationName { startup.append(("application_name", applicationName)) }
            if let options = parameters["options"] { startup.append(("options", options)) }
            try socket.write(FrontendMessage.startup(startup), until: deadline, timeout: timeout)
            try connection.authenticate(
                user: user, database: database, parameters: parameters, home: home, deadline: deadline, timeout: timeout
            )
            return connection
        } catch let error as PostgresError {
            connection.finish()
            switch error {
            case .server(let server):
                throw PostgresError.connectionFailed(
                    message: "\(connection.describeEndpoint()) failed: \(server.severity):  \(server.message)")
            case .connectionClosed(let message):
                throw PostgresError.connectionFailed(message: "\(connection.describeEndpoint()) failed: \(message)")
            default:
                throw error
            }
        }
    }

    private func describeEndpoint() -> String {
        endpoint.isUnixSocket
            ? "connection to server on socket \"\(endpoint.socketPath)\""
            : "connection to server at \"\(endpoint.host)\", port \(endpoint.port)"
    }

    private func negotiateTLS(
        _ tls: TLSRequirement, parameters: ConnectionParameters, deadline: Deadline, timeout: () -> PostgresError
    ) throws {
        guard let socket else { throw PostgresError.connectionClosed(message: "connection is closed") }
        try socket.write(FrontendMessage.sslRequest(), until: deadline, timeout: timeout)
        // The answer is one unencrypted byte; nothing else may be read before the handshake.
        var answer: UInt8 = 0
        while true {
            let count = recv(socket.descriptor, &answer, 1, 0)
            if count == 1 { break }
            if count == 0 { throw PostgresError.connectionClosed(message: "server closed the connection unexpectedly") }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw PostgresError.connectionClosed(message: errnoText())
            }
            try socket.wait(readable: true, writable: false, until: deadline, timeout: timeout)
        }
        switch answer {
        case UInt8(ascii: "S"):
            let context = try WireTLSContext(
                rootCertificate: tls.rootCertificate, verifyChain: tls.verifyChain, certificate: tls.certificate,
                key: tls.key)
            let name = parameters["host"].flatMap { $0.contains(",") ? endpoint.host : $0 } ?? endpoint.host
            try socket.startTLS(
                context: context, serverName: parameters["sslsni"] == "0" ? nil : name,
                verifyName: tls.verifyHostName ? name : nil, deadline: deadline, timeout: timeout)
        case UInt8(ascii: "N"):
            if tls.mode == .require {
                throw PostgresError.connectionClosed(message: "server does not support SSL, but SSL was required")
            }
        default:
            throw PostgresError.connectionClosed(message: "received invalid response to SSL negotiation")
        }
    }

    private func authenticate(
        user: String, database: String, parameters: ConnectionParameters, home: String?, deadline: Deadline,
        timeout: () -> PostgresError
    ) throws {
        func password() throws -> String {
            if let password = parameters["password"] { return password }
            let file = parameters["passfile"] ?? home.map { $0 + "/.pgpass" }
            if let file,
                let password = PasswordFile.lookup(
                    path: file, host: parameters["host"] ?? endpoint.host, port: endpoint.port, database: database,
                    user: user)
            {
                return password
            }
            throw PostgresError.connectionClosed(message: "fe_sendauth: no password supplied")
        }
        var scram: SCRAMClient?
        while true {
            switch try nextMessage(until: deadline, timeout: timeout) {
            case .authentication(.ok):
                break
            case .authentication(.cleartextPassword):
                try send(FrontendMessage.password(try password()), until: deadline, timeout: timeout)
            case .authentication(.md5Password(let salt)):
                let answer = md5PasswordResponse(user: user, password: try password(), salt: salt)
                try send(FrontendMessage.password(answer), until: deadline, timeout: timeout)
            case .authentication(.sasl(let mechanisms)):
                guard mechanisms.contains("SCRAM-SHA-256") else {
                    throw PostgresError.connectionClosed(
                        message:
                            "none of the server's SASL authentication mechanisms (\(mechanisms.joined(separator: ", "))) are supported"
                    )
                }
                let client = SCRAMClient(password: try password())
                scram = client
                try send(
                    FrontendMessage.saslInitialResponse(mechanism: "SCRAM-SHA-256", data: client.firstMessage),
                    until: deadline, timeout: timeout)
            case .authentication(.saslContinue(let data)):
                guard var client = scram else {
                    throw PostgresError.connectionClosed(message: "unexpected SASL message")
                }
                let answer = try client.answer(serverFirst: data)
                scram = client
                try send(FrontendMessage.saslResponse(answer), until: deadline, timeout: timeout)
            case .authentication(.saslFinal(let data)):
                guard let client = scram else {
                    throw PostgresError.connectionClosed(message: "unexpected SASL message")
                }
                try client.verify(serverFinal: data)
            case .authentication(.unsupported(let code)):
                throw PostgresError.connectionClosed(
                    message: "authentication method \(code) (GSSAPI or SSPI) is not supported")
            case .backendKeyData(let processID, let key):
                backendPID = processID
                secretKey = key
            case .error(let fields):
                throw PostgresError.server(Self.serverError(fields))
            case .readyForQuery:
                return
            default:
                continue
            }
        }
    }

    /// Whether this server is the kind `target_session_attrs` asks for (PostgreSQL 14 and later
    /// report `in_hot_standby` and `default_transaction_read_only` at start).
    private func satisfies(_ attributes: String, deadline: Deadline) throws -> Bool {
        guard attributes != "any" else { return true }
        let standby = parameterStatus["in_hot_standby"] == "on"
        let readOnly = standby || parameterStatus["default_transaction_read_only"] == "on"
        switch attributes {
        case "read-write": return !readOnly
        case "read-only": return readOnly
        case "primary": return !standby
        default: return standby
        }
    }

    // MARK: Statements

    /// Runs one statement (or, with `parameters == nil`, a script of several through the simple
    /// protocol) and returns the last result.
    func execute(sql: String, parameters: [PostgresBind]?, deadline: Deadline, timeoutSeconds: Double?) throws
        -> PostgresResult
    {
        guard socket != nil else { throw PostgresError.connectionClosed(message: "connection is closed") }
        guard !sql.utf8.contains(0) else { throw PostgresError.invalidArgument("SQL text contains a NUL byte") }
        if let parameters,
            parameters.contains(where: { $0.format == .text && ($0.bytes?.contains(0) ?? false) })
        {
            throw PostgresError.invalidArgument("a text parameter contains a NUL byte (use bytea)")
        }
        guard (parameters?.count ?? 0) <= Int(Int16.max) else {
            throw PostgresError.invalidArgument("too many parameters (at most \(Int16.max))")
        }
        wake.reset()
        let message =
            parameters.map { FrontendMessage.extendedQuery(sql, parameters: $0) } ?? FrontendMessage.query(sql)
        let timeout = { PostgresError.queryTimeout(seconds: timeoutSeconds ?? 0) }
        do {
            try send(message, until: deadline, timeout: timeout)
        } catch {
            // A half-sent statement leaves the protocol out of step: the session cannot be reused.
            finish()
            throw error
        }
        return try collectResults(deadline: deadline, timeout: timeout)
    }

    private func collectResults(deadline: Deadline, timeout: () -> PostgresError) throws -> PostgresResult {
        var outcome: Result<PostgresResult, PostgresError>?
        var columns = PostgresColumns(names: [], types: [])
        var values: [[UInt8]?] = []
        var rowCount = 0
        var interruption: PostgresError?
        var graceDeadline: Deadline?
        func record(_ result: Result<PostgresResult, PostgresError>) {
            if case .failure = outcome { return }  // keep the first error
            outcome = result
        }
        while true {
            let message: BackendMessage
            do {
                message = try nextMessage(until: graceDeadline ?? deadline, timeout: timeout)
            } catch let error as PostgresError {
                switch error {
                case .queryTimeout, .cancelled:
                    if graceDeadline != nil {
                        // The server ignored the cancel (or is unreachable): give up on the session.
                        finish()
                        throw interruption ?? error
                    }
                    // First deadline or cancellation: ask the server to cancel, then wait a little.
                    interruption = error
                    requestCancel()
                    graceDeadline = Deadline.after(seconds: cancelGrace)
                    wake.reset()
                    continue
                default:
                    finish()
                    // A server that ends the session (terminated, shutting down) says why first.
                    if case .failure(let reason) = outcome { throw reason }
                    throw error
                }
            }
            switch message {
            case .rowDescription(let names, let types):
                columns = PostgresColumns(names: names, types: types.map { PostgresDataType(rawValue: $0) })
                values = []
                rowCount = 0
            case .dataRow(let row):
                guard row.count == columns.names.count else {
                    finish()
                    throw PostgresError.connectionClosed(
                        message: "row with \(row.count) columns, expected \(columns.names.count)")
                }
                values += row
                rowCount += 1
            case .commandComplete(let tag):
                let width = columns.names.count
                let rows = (0..<rowCount).map { row in
                    PostgresRow(columns: columns, values: values[(row * width)..<((row + 1) * width)])
                }
                record(
                    .success(
                        PostgresResult(
                            columns: columns, rows: rows, affectedRows: Self.affectedRows(tag), commandTag: tag)))
                columns = PostgresColumns(names: [], types: [])
                values = []
                rowCount = 0
            case .emptyQueryResponse:
                record(.success(PostgresResult(columns: columns, rows: [], affectedRows: 0, commandTag: "")))
            case .error(let fields):
                record(.failure(.server(Self.serverError(fields))))
            case .copyResponse:
                // COPY needs a data phase this layer does not offer; the session is unusable now.
                finish()
                throw PostgresError.invalidArgument("COPY is not supported through this API")
            case .readyForQuery:
                if let interruption { throw interruption }
                guard let outcome else {
                    return PostgresResult(
                        columns: .init(names: [], types: []), rows: [], affectedRows: 0, commandTag: "")
                }
                return try outcome.get()
            default:
                continue
            }
        }
    }

    // MARK: Notifications

    /// Returns the next notification, waiting until `deadline`; nil if none arrived.
    func nextNotification(until deadline: Deadline) throws -> PostgresNotification? {
        guard socket != nil else { throw PostgresError.connectionClosed(message: "connection is closed") }
        wake.reset()
        while notifications.isEmpty {
            do {
                _ = try nextMessage(until: deadline) { PostgresError.queryTimeout(seconds: 0) }
            } catch PostgresError.queryTimeout {
                return nil
            } catch PostgresError.connectionClosed(let message) {
                finish()
                throw PostgresError.connectionClosed(message: message)
            }
        }
        return notifications.removeFirst()
    }

    // MARK: Escaping

    func escapeIdentifier(_ name: String) throws -> String { try WireEscaping.identifier(name) }

    func escapeLiteral(_ text: String) throws -> String { try WireEscaping.literal(text) }

    // MARK: Messages

    private func send(_ bytes: [UInt8], until deadline: Deadline, timeout: () -> PostgresError) throws {
        guard let socket else { throw PostgresError.connectionClosed(message: "connection is closed") }
        try socket.write(bytes, until: deadline, timeout: timeout)
    }

    /// The next message that needs handling; parameter changes and notices are taken in on the way.
    private func nextMessage(until deadline: Deadline, timeout: () -> PostgresError) throws -> BackendMessage {
        while true {
            guard let socket else { throw PostgresError.connectionClosed(message: "connection is closed") }
            guard let message = try BackendMessage.decode(from: &reader) else {
                try socket.read(into: &reader, until: deadline, timeout: timeout)
                continue
            }
            switch message {
            case .parameterStatus(let name, let value):
                parameterStatus[name] = value
            case .notice:
                continue  // e.g. "table does not exist, skipping"
            case .notification(let processID, let channel, let payload):
                // Queued for `nextNotification`, and returned so that a caller waiting for one wakes.
                notifications.append(PostgresNotification(channel: channel, payload: payload, senderPID: processID))
                return message
            default:
                return message
            }
        }
    }

    /// Asks the server to cancel the running statement: a new connection carrying this session's
    /// key. It can block against an unreachable host, so it runs on a throwaway thread.
    private func requestCancel() {
        let endpoint = endpoint
        let request = FrontendMessage.cancelRequest(processID: backendPID, secretKey: secretKey)
        do {
            try DetachedThread.start(named: "pg-cancel") {
                let wake = WakeSignal()
                let deadline = Deadline.after(seconds: 5)
                guard
                    let socket = try? WireSocket.connect(
                        to: endpoint, keepalives: false, wake: wake, deadline: deadline,
                        timeout: { PostgresError.connectTimeout(seconds: 5) })
                else { return }
                try? socket.write(request, until: deadline) { PostgresError.connectTimeout(seconds: 5) }
                // The server closes the connection when it has read the request.
                var reader = ByteReader()
                try? socket.read(into: &reader, until: deadline) { PostgresError.connectTimeout(seconds: 5) }
                socket.close()
            }
        } catch {
            // No thread for the cancel request: the statement runs on until its timeout ends the
            // session, as the caller already handles.
        }
    }

    // MARK: Pure helpers

    static func serverError(_ fields: [UInt8: String]) -> PostgresError.ServerError {
        func field(_ code: Character) -> String? { fields[code.asciiValue!] }
        return .init(
            sqlState: SQLState(rawValue: field("C") ?? "XX000"), severity: field("V") ?? field("S") ?? "ERROR",
            message: field("M") ?? "", detail: field("D"), hint: field("H"), constraint: field("n"))
    }

    /// The row count in a command tag (`INSERT 0 5`, `UPDATE 3`, `SELECT 2`), as `PQcmdTuples`.
    static func affectedRows(_ tag: String) -> Int {
        let words = tag.split(separator: " ")
        guard let verb = words.first,
            ["INSERT", "UPDATE", "DELETE", "SELECT", "MOVE", "FETCH", "COPY", "MERGE"].contains(verb),
            words.count >= 2, let count = Int(words[words.count - 1])
        else { return 0 }
        return count
    }

    /// `server_version` as a number: 15.18 → 150018, 9.6.24 → 90624, 16beta1 → 160000.
    static func versionNumber(_ text: String) -> Int32 {
        let numbers = text.prefix { $0.isNumber || $0 == "." }.split(separator: ".").map { Int32($0) ?? 0 }
        guard let major = numbers.first else {
            return Int32(text.prefix { $0.isNumber }).map { $0 * 10000 } ?? 0
        }
        if major >= 10 { return major * 10000 + (numbers.count > 1 ? numbers[1] : 0) }
        return major * 10000 + (numbers.count > 1 ? numbers[1] * 100 : 0) + (numbers.count > 2 ? numbers[2] : 0)
    }
}

/// Quoting as libpq's `PQescapeIdentifier` and `PQescapeLiteral` do it.
enum WireEscaping {
    /// `"name"` with inner quotes doubled.
    static func identifier(_ name: String) throws(PostgresError) -> String {
        guard !name.utf8.contains(0) else { throw .invalidArgument("identifier contains a NUL byte") }
        guard !name.isEmpty else { throw .invalidArgument("empty identifier") }
        return "\"" + doubling(["\""], in: name) + "\""
    }

    /// `'text'` with quotes doubled; with backslashes doubled and an ` E` prefix when it has any,
    /// so the result is right whatever `standard_conforming_strings` says.
    static func literal(_ text: String) throws(PostgresError) -> String {
        guard !text.utf8.contains(0) else { throw .invalidArgument("literal contains a NUL byte") }
        let quoted = "'" + doubling(["'", "\\"], in: text) + "'"
        return text.contains("\\") ? " E" + quoted : quoted
    }

    /// `text` with every one of `characters` written twice.
    static func doubling(_ characters: Set<Character>, in text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count + 2)
        for character in text {
            result.append(character)
            if characters.contains(character) { result.append(character) }
        }
        return result
    }

}

extension ConnectionParameters {
    /// The home directory from the password database, where libpq looks for `.pgpass`.
    static func homeDirectory() -> String? {
        guard let entry = getpwuid(geteuid()), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }
}
