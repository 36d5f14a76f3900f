import FoundationEssentials
import TextBasics
import Transport

/// Failsafe mode's peer-to-peer round: the primary asks each member's sidecar, over its status
/// port, to confirm it as primary (`POST /failsafe` with `{"primary": "<name>"}`; the answer is
/// `{"confirmed": true}` or `{"confirmed": false, "reason": "..."}`).
public protocol FailsafePeers: Sendable {
    /// True only if the member at `address` (`host:port`) confirmed within `timeout`.
    func confirm(primary: String, at address: String, timeout: Duration) async -> Bool
}

/// Plain HTTP/1.1 over loopback or the pod network, one connection per request.
public struct HTTPFailsafePeers: FailsafePeers {
    /// An answer is a few dozen bytes.
    static let maximumResponseBytes = 16 * 1024

    public init() {}

    public func confirm(primary: String, at address: String, timeout: Duration) async -> Bool {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...])
        else { return false }
        let host = String(address[..<colon]).trimming(["[", "]"])
        let deadline = Deadline.after(timeout)
        do {
            let connection = try await TCPClient.connect(host: host, port: port, deadline: deadline)
            defer { connection.close() }
            let body = try JSONEncoder().encode(FailsafeRequest(primary: primary))
            let head =
                "POST /failsafe HTTP/1.1\r\nHost: \(address)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            try await connection.write(Array(head.utf8) + Array(body), deadline: deadline)
            var response: [UInt8] = []
            while response.count < Self.maximumResponseBytes {
                let chunk = try await connection.read(maxBytes: 4096, deadline: deadline)
                if chunk.isEmpty { break }
                response += chunk
            }
            return Self.isConfirmation(response)
        } catch {
            return false
        }
    }

    /// A 200 answer whose JSON body says `confirmed: true`.
    static func isConfirmation(_ response: [UInt8]) -> Bool {
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200"), let split = text.firstRange(of: "\r\n\r\n") else { return false }
        let body = Data(text[split.upperBound...].utf8)
        return (try? JSONDecoder().decode(FailsafeAnswerBody.self, from: body))?.confirmed == true
    }
}

struct FailsafeRequest: Codable, Equatable {
    var primary: String
}

struct FailsafeAnswerBody: Codable, Equatable {
    var confirmed: Bool
    var reason: String?
}
