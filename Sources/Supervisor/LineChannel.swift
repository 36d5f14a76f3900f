import FoundationEssentials
import Transport

/// Newline-delimited JSON over a byte stream: the control socket's framing.
struct LineChannel: Sendable {
    /// A request or response is a few hundred bytes; anything far larger is not from our peer.
    static let maximumLineLength = 64 * 1024

    let stream: any ByteStream

    func send(_ value: some Encodable, deadline: Deadline) async throws {
        var bytes = [UInt8](try JSONEncoder().encode(value))
        bytes.append(UInt8(ascii: "\n"))
        try await stream.write(bytes, deadline: deadline)
    }

    /// Reads lines into `buffer`, returning the next complete one (without the newline), or nil at
    /// end of stream.
    func receiveLine(buffer: inout [UInt8], deadline: Deadline) async throws -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count <= Self.maximumLineLength else { throw SupervisorError.failed("control line too long") }
            let chunk = try await stream.read(maxBytes: 16 * 1024, deadline: deadline)
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
    }
}
