import Foundation

/// Runs `Resources/h2_interop.py` with a Python that has `h2` and `hpack`.
///
/// The interpreter is `$PGSWARM_PYTHON`, else `<package>/.venv/bin/python3`, else `python3`.
enum PythonPeer {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("Tests/HTTP2Tests/Resources/h2_interop.py").path

    static let interpreter: String? = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["PGSWARM_PYTHON"] { candidates.append(explicit) }
        candidates.append(packageRoot.appendingPathComponent(".venv/bin/python3").path)
        candidates.append("/usr/bin/python3")
        return candidates.first { path in
            guard FileManager.default.isExecutableFile(atPath: path) else { return false }
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: path)
            probe.arguments = ["-c", "import h2, hpack"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { return false }
            probe.waitUntilExit()
            return probe.terminationStatus == 0
        }
    }()

    static var isAvailable: Bool { interpreter != nil }

    /// One-shot mode: JSON in, JSON out.
    static func run(_ mode: String, input: Data) throws -> Data {
        let process = try start(mode)
        process.input.write(input)
        try process.input.close()
        let output = process.output.readDataToEndOfFile()
        process.process.waitUntilExit()
        return output
    }

    struct Running {
        var process: Process
        var input: FileHandle
        var output: FileHandle
    }

    static func start(_ mode: String) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter ?? "python3")
        process.arguments = [script, mode]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        return Running(process: process, input: stdin.fileHandleForWriting, output: stdout.fileHandleForReading)
    }
}

/// Reads newline-terminated lines from a pipe, blocking until each arrives.
struct LineReader {
    let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    mutating func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: newline)...])
                return line
            }
            let chunk = handle.availableData
            guard !chunk.isEmpty else { return nil }
            buffer += chunk
        }
    }
}
