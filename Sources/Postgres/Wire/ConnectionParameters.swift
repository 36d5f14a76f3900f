import FoundationEssentials
import Glibc
import TextBasics

/// A connection string read the way libpq reads it: `key=value` pairs (values optionally in single
/// quotes, with `\'` and `\\`), a `postgresql://` URI, or a bare database name; then libpq's
/// environment variables (`PGHOST`, `PGPORT`, `PGUSER`, ...) and defaults fill what is not given.
struct ConnectionParameters: Equatable {
    var values: [String: String]

    /// Keywords libpq knows. Those that would change security or semantics in a way this client
    /// does not implement are refused by `validate()`, never silently ignored.
    static let keywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding", "connect_timeout",
        "client_encoding", "options", "application_name", "fallback_application_name", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode",
        "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
        "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode", "krbsrvname", "gsslib",
        "gssdelegation", "service", "target_session_attrs", "load_balance_hosts", "require_auth", "sslcertmode",
        "replication", "sslnegotiation",
    ]

    /// Environment variables libpq reads, by keyword.
    static let environment: [(keyword: String, variable: String)] = [
        ("host", "PGHOST"), ("hostaddr", "PGHOSTADDR"), ("port", "PGPORT"), ("dbname", "PGDATABASE"),
        ("user", "PGUSER"), ("password", "PGPASSWORD"), ("passfile", "PGPASSFILE"), ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"), ("application_name", "PGAPPNAME"), ("options", "PGOPTIONS"),
        ("target_session_attrs", "PGTARGETSESSIONATTRS"), ("channel_binding", "PGCHANNELBINDING"),
        ("gssencmode", "PGGSSENCMODE"), ("service", "PGSERVICE"), ("require_auth", "PGREQUIREAUTH"),
    ]

    subscript(_ keyword: String) -> String? {
        get { values[keyword].flatMap { $0.isEmpty ? nil : $0 } }
        set { values[keyword] = newValue }
    }

    // MARK: Parsing

    /// Parses `text`: a URI, `key=value` pairs, or (with no `=`) a database name.
    static func parse(_ text: String) throws(PostgresError) -> ConnectionParameters {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            return try parseURI(text)
        }
        guard text.contains("=") else { return ConnectionParameters(values: text.isEmpty ? [:] : ["dbname": text]) }
        return try parsePairs(text)
    }

    private static func parsePairs(_ text: String) throws(PostgresError) -> ConnectionParameters {
        var values: [String: String] = [:]
        var characters = Substring(text).unicodeScalars[...]
        func skipSpaces() {
            while let first = characters.first, first.properties.isWhitespace { characters.removeFirst() }
        }
        while true {
            skipSpaces()
            guard !characters.isEmpty else { break }
            var keyword = ""
            while let first = characters.first, first != "=", !first.properties.isWhitespace {
                keyword.unicodeScalars.append(characters.removeFirst())
            }
            skipSpaces()
            guard characters.first == "=" else {
                throw .invalidArgument("missing \"=\" after \"\(keyword)\" in connection info string")
            }
            characters.removeFirst()
            skipSpaces()
            var value = ""
            if characters.first == "'" {
                characters.removeFirst()
                var closed = false
                while let next = characters.popFirst() {
                    if next == "\\", let escaped = characters.popFirst() {
                        value.unicodeScalars.append(escaped)
                    } else if next == "'" {
                        closed = true
                        break
                    } else {
                        value.unicodeScalars.append(next)
                    }
                }
                guard closed else { throw .invalidArgument("unterminated quoted string in connection info string") }
            } else {
                while let first = characters.first, !first.properties.isWhitespace {
                    characters.removeFirst()
                    if first == "\\", let escaped = characters.popFirst() {
                        value.unicodeScalars.append(escaped)
                    } else {
                        value.unicodeScalars.append(first)
                    }
                }
            }
            guard keywords.contains(keyword) else { throw .invalidArgument("invalid connection option \"\(keyword)\"") }
            values[keyword] = value
        }
        return ConnectionParameters(values: values)
    }

    private static func parseURI(_ text: String) throws(PostgresError) -> ConnectionParameters {
        var values: [String: String] = [:]
        var rest = Substring(text).drop { $0 != ":" }.dropFirst(3)
        func decoded(_ part: Substring) throws(PostgresError) -> String {
            guard let value = PercentDecoding.decode(part) else {
                throw .invalidArgument("invalid percent-encoded token in URI: \"\(part)\"")
            }
            return value
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let database = rest[rest.index(after: slash)...]
            if !database.isEmpty { values["dbname"] = try decoded(database) }
        }
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = user.firstIndex(of: ":") {
                values["user"] = try decoded(user[..<colon])
                values["password"] = try decoded(user[user.index(after: colon)...])
            } else if !user.isEmpty {
                values["user"] = try decoded(user)
            }
        }
        var hosts: [String] = []
        var ports: [String] = []
        for spec in authority.split(separator: ",", omittingEmptySubsequences: false) where !authority.isEmpty {
            var host = spec
            var port: Substring = ""
            if spec.hasPrefix("[") {
                guard let close = spec.firstIndex(of: "]") else {
                    throw .invalidArgument("missing \"]\" in IPv6 host address in URI: \"\(text)\"")
                }
                host = spec[spec.index(after: spec.startIndex)..<close]
                let after = spec[spec.index(after: close)...]
                if after.hasPrefix(":") { port = after.dropFirst() }
            } else if let colon = spec.lastIndex(of: ":") {
                host = spec[..<colon]
                port = spec[spec.index(after: colon)...]
            }
            hosts.append(try decoded(host))
            ports.append(try decoded(port))
        }
        if hosts.contains(where: { !$0.isEmpty }) { values["host"] = hosts.joined(separator: ",") }
        if ports.contains(where: { !$0.isEmpty }) { values["port"] = ports.joined(separator: ",") }
        for pair in query.split(separator: "&") {
            guard let equals = pair.firstIndex(of: "=") else {
                throw .invalidArgument("missing key/value separator \"=\" in URI query parameter: \"\(pair)\"")
            }
            var keyword = try decoded(pair[..<equals])
            var value = try decoded(pair[pair.index(after: equals)...])
            // libpq's JDBC compatibility: ssl=true means sslmode=require.
            if keyword == "ssl" && value == "true" {
                keyword = "sslmode"
                value = "require"
            }
            guard keywords.contains(keyword) else {
                throw .invalidArgument("invalid URI query parameter: \"\(keyword)\"")
            }
            values[keyword] = value
        }
        return ConnectionParameters(values: values)
    }

    // MARK: Defaults

    /// Fills what the string left out from the environment, then from libpq's defaults.
    mutating func applyDefaults(environment: [String: String], osUser: String?) {
        for (keyword, variable) in Self.environment where self[keyword] == nil {
            if let value = environment[variable], !value.isEmpty { values[keyword] = value }
        }
        if self["user"] == nil, let osUser { values["user"] = osUser }
        if self["dbname"] == nil, let user = self["user"] { values["dbname"] = user }
        if self["sslmode"] == nil { values["sslmode"] = "prefer" }
    }

    /// Refuses settings this client cannot honour, rather than connecting with weaker guarantees
    /// than the string asked for.
    func validate() throws(PostgresError) {
        func refuse(_ keyword: String, unless allowed: Set<String>) throws(PostgresError) {
            if let value = self[keyword], !allowed.contains(value) {
                throw .invalidArgument("\(keyword)=\(value) is not supported by pg-swarm's PostgreSQL client")
            }
        }
        try refuse("sslmode", unless: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
        try refuse("channel_binding", unless: ["disable", "prefer"])
        try refuse("gssencmode", unless: ["disable", "prefer"])
        try refuse("target_session_attrs", unless: ["any", "read-write", "read-only", "primary", "standby"])
        try refuse("load_balance_hosts", unless: ["disable"])
        try refuse("replication", unless: ["false", "0", "no", "off"])
        try refuse("sslnegotiation", unless: ["postgres"])
        for keyword in ["service", "sslcrl", "sslcrldir", "sslpassword", "requirepeer", "require_auth"]
        where self[keyword] != nil {
            throw .invalidArgument(
                "the connection option \"\(keyword)\" is not supported by pg-swarm's PostgreSQL client")
        }
    }

    // MARK: Endpoints

    /// One place to try: a Unix-socket directory or a TCP host, with its port.
    struct Endpoint: Equatable {
        var host: String
        var port: Int
        var isUnixSocket: Bool { host.hasPrefix("/") || host.hasPrefix("@") }
        /// The socket file for a Unix endpoint: `<directory>/.s.PGSQL.<port>`.
        var socketPath: String { host + "/.s.PGSQL.\(port)" }
    }

    /// The hosts to try in order (`host=a,b port=1,2`); a single port applies to every host.
    func endpoints() throws(PostgresError) -> [Endpoint] {
        let hosts = (self["hostaddr"] ?? self["host"] ?? "/var/run/postgresql")
            .split(separator: ",", omittingEmptySubsequences: false).map {
                $0.isEmpty ? "/var/run/postgresql" : String($0)
            }
        let portTexts = (self["port"] ?? "5432").split(separator: ",", omittingEmptySubsequences: false)
        guard portTexts.count == 1 || portTexts.count == hosts.count else {
            throw .invalidArgument("could not match \(portTexts.count) port numbers to \(hosts.count) hosts")
        }
        var endpoints: [Endpoint] = []
        for (index, host) in hosts.enumerated() {
            let text = portTexts.count == 1 ? portTexts[0] : portTexts[index]
            guard let port = text.isEmpty ? 5432 : Int(text), (1...65535).contains(port) else {
                throw .invalidArgument("invalid port number: \"\(text)\"")
            }
            endpoints.append(Endpoint(host: host, port: port))
        }
        return endpoints
    }

    /// The operating-system user name, libpq's default user.
    static func currentOSUser() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}
