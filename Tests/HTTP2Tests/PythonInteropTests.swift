import Foundation
import Testing

@testable import HTTP2

/// Cross-checks against python-hyper's `hpack` and `h2`, an independent implementation.
/// Skipped, with the reason shown, when Python lacks them (`pip install h2 hpack`), except in CI
/// (`CI` set), where `make deps` installs them and a missing peer must fail the run.
@Suite(
    "Interop with Python h2 and hpack",
    .enabled(
        if: PythonPeer.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil,
        "python3 with h2 and hpack not found"))
struct PythonInteropTests {
    static let headerLists: [[HeaderField]] = [
        FrameFactory.request,
        FrameFactory.request + [
            HeaderField("grpc-timeout", "100m"), HeaderField("authorization", "Bearer abc", isSensitive: true),
        ],
        [HeaderField(":status", "200"), HeaderField("content-type", "application/grpc")],
        [HeaderField("grpc-status", "0"), HeaderField("grpc-message", "all%20good")],
        [HeaderField("x-long", String(repeating: "long value ", count: 300)), HeaderField("x-bin-bin", "AAECAwQ=")],
        FrameFactory.request + [HeaderField("grpc-timeout", "100m")],
    ]

    static func json(_ lists: [[HeaderField]]) -> [[[Any]]] {
        lists.map { $0.map { [$0.name, $0.value, $0.isSensitive] } }
    }

    @Test("header blocks encoded by Python hpack decode to the same lists here, across a table resize")
    func pythonEncodesSwiftDecodes() throws {
        var payload: [Any] = Self.json(Array(Self.headerLists.prefix(3)))
        payload.append(["table_size": 256])
        payload += Self.json(Array(Self.headerLists.dropFirst(3)))
        let output = try PythonPeer.run("hpack-encode", input: JSONSerialization.data(withJSONObject: payload))
        let blocks = try #require(try JSONSerialization.jsonObject(with: output) as? [String])
        #expect(blocks.count == Self.headerLists.count)
        var decoder = HPACKDecoder()
        for (block, expected) in zip(blocks, Self.headerLists) {
            let decoded = try decoder.decode(Hex.bytes(block))
            #expect(decoded == expected)
        }
        #expect(decoder.dynamicTableMaxSize == 256)
    }

    @Test("header blocks encoded here decode to the same lists in Python hpack, across a table resize")
    func swiftEncodesPythonDecodes() throws {
        var encoder = HPACKEncoder()
        var blocks: [String] = []
        for (index, list) in Self.headerLists.enumerated() {
            if index == 3 { encoder.setMaxDynamicTableSize(256) }
            blocks.append(Hex.string(encoder.encode(list)))
        }
        let output = try PythonPeer.run("hpack-decode", input: JSONSerialization.data(withJSONObject: blocks))
        let lists = try #require(try JSONSerialization.jsonObject(with: output) as? [[[Any]]])
        let decoded = lists.map { list in
            list.map {
                HeaderField($0[0] as? String ?? "", $0[1] as? String ?? "", isSensitive: $0[2] as? Bool ?? false)
            }
        }
        let expected = Self.headerLists.map { list in
            list.map { field in
                var copy = field
                copy.isSensitive = field.isSensitive || HPACKEncoder.alwaysSensitiveNames.contains(field.name)
                return copy
            }
        }
        #expect(decoded == expected)
    }

    /// Alternates lines with the Python peer until it reports done; returns its JSON result.
    static func converse(_ mode: String, _ connection: inout HTTP2Connection, application: Conversation.Application)
        throws -> [String: Any]
    {
        let peer = try PythonPeer.start(mode)
        defer { peer.process.terminate() }
        var reader = LineReader(peer.output)
        for _ in 0..<5_000 {
            guard let line = reader.nextLine() else { throw InteropFailure("python exited early") }
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw InteropFailure("bad line from python: \(line.prefix(80))") }
            let events = try connection.receive(parts[0] == "-" ? [] : Hex.bytes(parts[0]))
            try application(&connection, events)
            if parts[1].hasPrefix("done:") {
                let json = Data(parts[1].dropFirst(5).utf8)
                return try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
            }
            let reply = connection.dataToSend()
            peer.input.write(Data(((reply.isEmpty ? "-" : Hex.string(reply)) + "\n").utf8))
        }
        throw InteropFailure("conversation did not finish")
    }

    struct InteropFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test("a Python h2 client gets a 200 KB echo with trailers from our server, and its PING answered")
    func pythonClientSwiftServer() throws {
        var server = try HTTP2Connection(role: .server)
        var bodies: [StreamID: [UInt8]] = [:]
        var requestFields: [HeaderField] = []
        let result = try Self.converse("h2-client", &server) { server, events in
            for case .headersReceived(_, let fields, _) in events { requestFields = fields }
            try echoServer(&server, events, bodies: &bodies)
        }
        #expect(result["error"] == nil)
        #expect(result["status"] as? String == "200")
        #expect(result["body"] as? Int == 200_000)
        #expect(result["body_ok"] as? Bool == true)
        #expect((result["trailers"] as? [String: String])?["grpc-status"] == "0")
        #expect(result["ping_acked"] as? Bool == true)
        #expect(
            requestFields.first { $0.name == "authorization" }?.isSensitive == true, "h2 never-indexes authorization")
    }

    @Test("our client runs three streams, one of 150 KB, against a Python h2 server")
    func swiftClientPythonServer() throws {
        var client = try HTTP2Connection(role: .client)
        let sizes = [0, 1_000, 150_000]
        var ids: [StreamID] = []
        for (index, size) in sizes.enumerated() {
            let headers = FrameFactory.request.map { $0.name == ":path" ? HeaderField(":path", "/svc/m\(index)") : $0 }
            let id = try client.openStream(headers: headers, endStream: size == 0)
            if size > 0 {
                try client.sendData(streamID: id, (0..<size).map { UInt8(truncatingIfNeeded: $0) }, endStream: true)
            }
            ids.append(id)
        }
        var received: [StreamID: Int] = [:]
        var closed: [StreamID: StreamCloseReason] = [:]
        let result = try Self.converse("h2-server", &client) { _, events in
            for event in events {
                if case .dataReceived(let id, let data, _) = event { received[id, default: 0] += data.count }
                if case .streamClosed(let id, let reason) = event { closed[id] = reason }
            }
        }
        #expect(result["error"] == nil)
        #expect(result["sizes"] as? [Int] == sizes)
        #expect(result["paths"] as? [String] == ["/svc/m0", "/svc/m1", "/svc/m2"])
        for (id, size) in zip(ids, sizes) {
            #expect(received[id, default: 0] == size)
            #expect(closed[id] == .finished)
        }
    }
}
