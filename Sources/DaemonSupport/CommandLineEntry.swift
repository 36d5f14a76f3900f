public import ArgumentParser
import FoundationEssentials
import Glibc

/// Runs a daemon's root command with one-line errors.
///
/// swift-argument-parser prints usage after every error; for a daemon started by Kubernetes or a
/// script, one line that names the problem is easier to read in logs. `--help` still prints the
/// full help.
public func runCommandLine<Command: AsyncParsableCommand>(_ type: Command.Type, name: String) async -> Never {
    do {
        var command = try type.parseAsRoot()
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
        exit(0)
    } catch {
        let code = type.exitCode(for: error)
        let message = type.message(for: error)
        if code == .success {
            // --help, --version: not an error.
            print(type.fullMessage(for: error))
            exit(0)
        }
        let oneLine = message.split(separator: "\n").first.map(String.init) ?? "\(error)"
        let line = Array("\(name): error: \(oneLine)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        exit(code.rawValue)
    }
}

/// Reads a setting from its flag or, if the flag is absent, from an environment variable.
public func setting(_ flag: String?, environment name: String) -> String? {
    if let flag, !flag.isEmpty { return flag }
    let value = ProcessInfo.processInfo.environment[name]
    return value?.isEmpty == false ? value : nil
}

/// A `host:port` listening or dialing address.
public struct HostPort: Sendable, Equatable, CustomStringConvertible, ExpressibleByArgument {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `:port` (all interfaces).
    public init?(argument: String) {
        let hostPart: Substring
        let portPart: Substring
        if argument.hasPrefix("["), let close = argument.firstIndex(of: "]") {
            hostPart = argument[argument.index(after: argument.startIndex)..<close]
            let rest = argument[argument.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = argument.lastIndex(of: ":") else { return nil }
            hostPart = argument[..<colon]
            portPart = argument[argument.index(after: colon)...]
        }
        guard let port = Int(portPart), (1...65_535).contains(port), !hostPart.contains(" ") else { return nil }
        self.host = hostPart.isEmpty ? "0.0.0.0" : String(hostPart)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
