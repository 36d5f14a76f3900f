import Testing

@testable import HTTP2

/// A client engine and a server engine wired back to back in memory.
struct Conversation {
    typealias Application = (inout HTTP2Connection, [HTTP2Event]) throws -> Void

    var client: HTTP2Connection
    var server: HTTP2Connection
    var clientEvents: [HTTP2Event] = []
    var serverEvents: [HTTP2Event] = []

    init(client: HTTP2Configuration = HTTP2Configuration(), server: HTTP2Configuration = HTTP2Configuration()) throws {
        self.client = try HTTP2Connection(role: .client, configuration: client)
        self.server = try HTTP2Connection(role: .server, configuration: server)
    }

    /// Moves bytes both ways until neither side has anything to send, letting each
    /// application react to its events. Bounded: records an issue if it never settles.
    mutating func pump(
        maxRounds: Int = 100_000, server serverApplication: Application? = nil,
        client clientApplication: Application? = nil, keepEvents: Bool = true
    ) throws {
        for _ in 0..<maxRounds {
            let toServer = client.dataToSend()
            let toClient = server.dataToSend()
            if toServer.isEmpty && toClient.isEmpty { return }
            let newServerEvents = try server.receive(toServer)
            try serverApplication?(&server, newServerEvents)
            let newClientEvents = try client.receive(toClient)
            try clientApplication?(&client, newClientEvents)
            if keepEvents {
                serverEvents += newServerEvents
                clientEvents += newClientEvents
            }
        }
        Issue.record("the conversation did not settle within \(maxRounds) rounds")
    }
}

extension HTTP2Event {
    var streamID: StreamID? {
        switch self {
        case .headersReceived(let id, _, _), .trailersReceived(let id, _), .dataReceived(let id, _, _),
            .streamClosed(let id, _), .windowUpdated(let id, _):
            id
        case .settingsReceived, .settingsAcknowledged, .pingReceived, .pingAcknowledged, .goAwayReceived:
            nil
        }
    }
}

/// A gRPC-like echo server: answers each finished request with headers, the request body, and trailers.
func echoServer(_ server: inout HTTP2Connection, _ events: [HTTP2Event], bodies: inout [StreamID: [UInt8]]) throws {
    for event in events {
        switch event {
        case .dataReceived(let id, let data, let endStream):
            bodies[id, default: []] += data
            if endStream { try respond(&server, id, bodies[id] ?? []) }
        case .headersReceived(let id, _, let endStream):
            if endStream { try respond(&server, id, []) }
        case .trailersReceived, .streamClosed, .windowUpdated, .settingsReceived, .settingsAcknowledged,
            .pingReceived, .pingAcknowledged, .goAwayReceived:
            break
        }
    }
}

private func respond(_ server: inout HTTP2Connection, _ id: StreamID, _ body: [UInt8]) throws {
    try server.sendHeaders(
        streamID: id, headers: [HeaderField(":status", "200"), HeaderField("content-type", "application/grpc")])
    try server.sendData(streamID: id, body)
    try server.sendTrailers(streamID: id, headers: [HeaderField("grpc-status", "0")])
}
