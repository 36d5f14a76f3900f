import PGSwarmAPI

/// Dotted, lowercase names for protobuf enum values as the API and the event log show them:
/// `clusterStateChanged` becomes `cluster.state_changed`, `waitForCatchup` becomes
/// `wait_for_catchup`.
enum ProtoNames {
    static func words(_ value: Any) -> [String] {
        let name = String(describing: value)
        var words: [String] = []
        var current = ""
        for character in name {
            if character.isUppercase && !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character.lowercased())
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func eventType(_ type: Pgswarm_V1_EventType) -> String {
        if case .UNRECOGNIZED(let number) = type { return "unknown.\(number)" }
        let parts = words(type)
        guard parts.count > 1 else { return parts.first ?? "unspecified" }
        return parts[0] + "." + parts.dropFirst().joined(separator: "_")
    }

    static func snake(_ value: Any) -> String {
        if String(describing: value).hasPrefix("UNRECOGNIZED") { return "unknown" }
        return words(value).joined(separator: "_")
    }

    static func severity(_ severity: Pgswarm_V1_Severity) -> EventSeverity {
        switch severity {
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        case .critical: return .critical
        case .unspecified, .UNRECOGNIZED: return .unspecified
        }
    }

    static func clusterState(_ state: Pgswarm_V1_ClusterState) -> ClusterState? {
        switch state {
        case .creating: return .creating
        case .running: return .running
        case .degraded: return .degraded
        case .failed: return .failed
        case .deleting: return .deleting
        case .paused: return .paused
        case .updating: return .updating
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    static func logLevel(_ level: Pgswarm_V1_LogLevel) -> String {
        switch level {
        case .trace: return "trace"
        case .debug: return "debug"
        case .info, .unspecified, .UNRECOGNIZED: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }

    static func logLevel(named name: String) -> Pgswarm_V1_LogLevel? {
        switch name {
        case "trace": return .trace
        case "debug": return .debug
        case "info": return .info
        case "notice": return .notice
        case "warning": return .warning
        case "error": return .error
        case "critical": return .critical
        default: return nil
        }
    }
}
