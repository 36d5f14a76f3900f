import FoundationEssentials
import Glibc

/// The outcome of a command run to completion.
public struct ProcessResult: Sendable, Equatable {
    public var status: ExitStatus
    /// The tail of standard output and standard error, interleaved as written (bounded).
    public var output: String
}

extension ChildProcess {
    /// Output kept from a finished command. Tools such as pg_basebackup print progress forever on
    /// large clusters; the tail is what explains a failure.
    public static let capturedOutputLimit = 64 * 1024

    /// Runs `spec` to completion, killing it (its whole group when it leads one) if it takes longer
    /// than `timeout`. Output is captured through a private temporary file, never a pipe, so a
    /// chatty child cannot block on a full pipe while we wait for it.
    public static func run(_ spec: ProcessSpec, timeout: Duration) async throws -> ProcessResult {
        let directory = try makePrivateTemporaryDirectory(prefix: "pgswarm-run")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outputPath = directory + "/output"
        var spec = spec
        spec.output = .appendToFile(outputPath)
        let child = try spawn(spec)

        let status = await withTaskGroup(of: ExitStatus?.self) { group in
            group.addTask { await child.waitForExit() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let status = next { return Optional(status) }
                // Timer fired (or we were cancelled): kill and let the waiter collect the exit.
                child.send(signal: SIGKILL)
                return nil
            }
            return nil
        }
        guard let status else {
            _ = await child.waitForExit()
            throw ChildProcessError.timedOut(executable: spec.executable, after: timeout)
        }
        return ProcessResult(status: status, output: readTail(of: outputPath, limit: capturedOutputLimit))
    }
}

/// Creates a directory only the current user can read (mode 0700) under the system temp folder.
public func makePrivateTemporaryDirectory(prefix: String) throws -> String {
    let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard created != nil else {
        throw ChildProcessError.outputFileUnavailable(path: base, errno: errno)
    }
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func readTail(of path: String, limit: Int) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    let size = lseek(fd, 0, SEEK_END)
    guard size >= 0, lseek(fd, max(0, size - off_t(limit)), SEEK_SET) >= 0 else { return "" }
    var bytes = [UInt8](repeating: 0, count: limit)
    var filled = 0
    while filled < limit {
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, limit - filled) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        filled += count
    }
    return String(decoding: bytes.prefix(filled), as: UTF8.self)
}
