import FoundationEssentials
import Postgres
import TextBasics

/// The files PostgreSQL reads, rendered by the supervisor (pure text functions plus writers).
enum ConfigurationFiles {
    /// conf/postgresql.conf: the cluster's template first, then what is specific to this node, which
    /// wins because later settings override earlier ones.
    static func postgresqlConf(_ configuration: SupervisorConfiguration, source: SourceServer?) -> String {
        var lines = [
            "# Written by the pg-swarm supervisor at every start: change the cluster's configuration instead.",
            "include_if_exists = \(quoted(configuration.templateDirectory + "/postgresql.conf"))",
            "data_directory = \(quoted(configuration.dataDirectory))",
            "hba_file = \(quoted(configuration.hbaPath))",
            "ident_file = \(quoted(configuration.dataDirectory + "/pg_ident.conf"))",
            "port = \(configuration.port)",
            "listen_addresses = \(quoted(configuration.listenAddresses))",
            "unix_socket_directories = \(quoted(configuration.socketDirectory))",
            "cluster_name = \(quoted(configuration.nodeName))",
            "recovery_target_timeline = 'latest'",
        ]
        if let source {
            lines.append("primary_conninfo = \(quoted(primaryConninfo(configuration, source: source)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The walreceiver's conninfo. The password comes from `passfile`, never from this string.
    static func primaryConninfo(_ configuration: SupervisorConfiguration, source: SourceServer) -> String {
        [
            "host=\(conninfoQuoted(source.host))", "port=\(source.port)",
            "user=\(conninfoQuoted(configuration.replicationUser))",
            "passfile=\(conninfoQuoted(configuration.passwordFile))",
            "application_name=\(conninfoQuoted(configuration.nodeName))",
            "connect_timeout=5", "keepalives_idle=5", "keepalives_interval=2", "keepalives_count=3",
        ].joined(separator: " ")
    }

    /// The hba rules from the template; fenced when PostgreSQL must not take client writes.
    static func hba(template: String, fenced: Bool) -> String {
        fenced ? HBAFence.fenced(template) : template
    }

    /// A postgresql.conf string literal: single quotes, doubled inside.
    static func quoted(_ value: String) -> String {
        "'" + value.replacing("'", with: "''") + "'"
    }

    /// A `.pgpass` line matching any host, port and database for `user`.
    static func pgpassLine(user: String, password: String) -> String {
        func field(_ value: String) -> String {
            value.replacing("\\", with: "\\\\").replacing(":", with: "\\:")
        }
        return "*:*:*:\(field(user)):\(field(password))\n"
    }

    /// Removes settings from postgresql.auto.conf that would override ours: tools such as
    /// pg_basebackup copy the source's file, which may name another upstream.
    static func withoutUpstreamSettings(_ autoConf: String) -> String {
        autoConf.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let name = line.split(separator: "=").first?.trimmingWhitespace ?? ""
            return name != "primary_conninfo" && name != "primary_slot_name"
        }.joined(separator: "\n")
    }
}
