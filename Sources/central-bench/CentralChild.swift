import Central
import Foundation
import Glibc

/// The real `central` release binary as a child process, on its own database and data folder.
/// Its banner gives the admin token and the CA satellites trust.
final class CentralChild {
    let process: Process
    let httpPort: UInt16
    let grpcPort: UInt16
    let adminToken: String
    /// The development CA's certificate; nil with plaintext gRPC.
    let caFile: String?
    private let output: Pipe

    var pid: Int32 { process.processIdentifier }

    /// How long central may take to migrate, bind and print its banner.
    static let startupTimeout = Duration.seconds(60)

    init(
        binary: String, databaseURL: String, dataDirectory: String, httpPort: UInt16, grpcPort: UInt16, plaintext: Bool
    ) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            [
                "--http-address", "127.0.0.1:\(httpPort)", "--grpc-address", "127.0.0.1:\(grpcPort)",
                "--data-dir", dataDirectory, "--log-level", "warning",
            ] + (plaintext ? ["--grpc-plaintext"] : [])
        // A key for secrets at rest, as in production (without one central warns at start).
        process.environment = [
            "PATH": "/usr/bin:/bin", "DATABASE_URL": databaseURL,
            "PGSWARM_ENCRYPTION_KEY": SystemSecureRandom().bytes(32).hexString,
        ].merging(ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("MALLOC_") }) { $1 }
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        self.httpPort = httpPort
        self.grpcPort = grpcPort
        var text = ""
        let deadline = ContinuousClock.now + Self.startupTimeout
        while ContinuousClock.now < deadline, !text.contains("Register a satellite") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let caFile = lines.first(where: { $0.contains("through the CA certificate ") }).flatMap {
            $0.components(separatedBy: "through the CA certificate ").last
        }
        guard let token = lines.first(where: { $0.hasPrefix("pgs_") }), plaintext || caFile != nil else {
            process.terminate()
            throw BenchError("central did not start:\n\(text)")
        }
        adminToken = token
        self.caFile = caFile
        // Keep draining stdout so central never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }

    /// SIGTERM (central ends its streams and drains), then SIGKILL after a grace period.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
    }
}

/// A free loopback port (bound once by the kernel's choice, then released).
func freePort() throws -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchError("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else { throw BenchError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
