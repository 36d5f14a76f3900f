import Foundation
import Glibc
import Transport

/// A subprocess started from an argv array (never a shell string), whose stdout is read
/// through the Transport event loop so that tests never block the cooperative pool.
final class TestChildProcess: Sendable {
    private let process: Process
    private let stdoutDescriptor: Int32
    private let stdoutPipe: Pipe
    private let exit: Task<Int32, Never>

    /// Starts `argv[0]` (looked up on PATH via /usr/bin/env) with the remaining arguments.
    init(_ argv: [String], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        if let environment { process.environment = environment }
        let stdoutPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        let (exitStream, exitContinuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exitContinuation.yield(finished.terminationStatus)
            exitContinuation.finish()
        }
        try process.run()
        self.process = process
        self.stdoutPipe = stdoutPipe
        self.stdoutDescriptor = stdoutPipe.fileHandleForReading.fileDescriptor
        _ = fcntl(stdoutDescriptor, F_SETFL, fcntl(stdoutDescriptor, F_GETFL) | O_NONBLOCK)
        self.exit = Task {
            for await status in exitStream { return status }
            return -1
        }
    }

    /// Reads stdout until a newline (or EOF) and returns the line without it.
    func readLine(deadline: Deadline) async throws -> String {
        var line: [UInt8] = []
        let maximumLineLength = 4096
        while line.count < maximumLineLength {
            var byte: UInt8 = 0
            let count = Glibc.read(stdoutDescriptor, &byte, 1)
            if count == 1 {
                if byte == UInt8(ascii: "\n") { break }
                line.append(byte)
            } else if count == 0 {
                break
            } else if errno == EAGAIN || errno == EINTR {
                try await EventLoop.shared.waitReadable(stdoutDescriptor, deadline: deadline)
            } else {
                throw TransportError(kind: .systemCallFailed, operation: .read, errno: errno)
            }
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Waits for the exit status.
    func waitForExit() async -> Int32 {
        await exit.value
    }

    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Runs a command to completion and returns its exit status (stdout discarded).
    static func run(_ argv: [String]) async throws -> Int32 {
        let child = try TestChildProcess(argv)
        return await child.waitForExit()
    }
}
