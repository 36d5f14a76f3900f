import ArgumentParser
import Foundation
import GRPC
import GRPCInterop

/// Runs a test case with an overall time limit, so a hung case fails instead of hanging the run.
enum InteropRunner {
    struct TimedOut: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "did not finish within \(limit)" }
    }

    static func run(_ testCase: InteropTestCase, on channel: GRPCChannel, timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await testCase.run(on: channel) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TimedOut(limit: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// Parses and runs the command with one-line errors (as `runCommandLine` does for daemons).
func runInteropCommand(arguments: [String]) async -> Never {
    do {
        var command = try InteropCommand.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
        exit(0)
    } catch {
        let code = InteropCommand.exitCode(for: error)
        if code == .success {
            print(InteropCommand.fullMessage(for: error))
            exit(0)
        }
        if code.rawValue == 1 { exit(1) }
        let message = InteropCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        FileHandle.standardError.write(Data("grpc-interop: error: \(message)\n".utf8))
        exit(code.rawValue)
    }
}

/// Prints a line at once: stdout is block-buffered when it is a pipe, and tests read it live.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
