public import Failover
import FoundationEssentials
import Postgres
public import Supervisor

/// What a member publishes in its status Lease (annotation `pg-swarm.io/member-status`): the
/// decision core's `MemberStatus` plus where peers reach it. JSON with stable field names, so
/// other tools (the satellite, kubectl users) can read it.
public struct MemberDocument: Equatable, Sendable {
    public var status: MemberStatus
    /// Where to stream from and pg_rewind against this member.
    public var postgres: SourceServer
    /// This member's sidecar status port, `host:port` (failsafe confirmations).
    public var statusAddress: String

    public init(status: MemberStatus, postgres: SourceServer, statusAddress: String) {
        self.status = status
        self.postgres = postgres
        self.statusAddress = statusAddress
    }

    public func encoded() throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(Wire(self)), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> MemberDocument {
        try JSONDecoder().decode(Wire.self, from: Data(text.utf8)).document()
    }

    /// The JSON shape. LSNs are PostgreSQL's `X/Y` text.
    struct Wire: Codable {
        var member: String
        var sequence: UInt64
        var role: String
        var healthy: Bool
        var fenced: Bool
        var timeline: Int
        var walPosition: String
        var replayedLSN: String
        var synchronousStandbys: [String]
        var publishedAt: String?
        var postgresHost: String
        var postgresPort: Int
        var statusAddress: String

        init(_ document: MemberDocument) {
            let status = document.status
            member = status.member
            sequence = status.sequence
            role = status.role.rawValue
            healthy = status.healthy
            fenced = status.fenced
            timeline = status.timeline
            walPosition = status.walPosition.description
            replayedLSN = status.replayedLSN.description
            synchronousStandbys = status.synchronousStandbys
            publishedAt = status.publishedAt?.rawValue
            postgresHost = document.postgres.host
            postgresPort = document.postgres.port
            statusAddress = document.statusAddress
        }

        func document() throws -> MemberDocument {
            guard let role = MemberRole(rawValue: role), let wal = LSN(walPosition), let replayed = LSN(replayedLSN)
            else { throw MemberDocumentError.malformed(member: member) }
            let status = MemberStatus(
                member: member, sequence: sequence, role: role, healthy: healthy, fenced: fenced, timeline: timeline,
                walPosition: wal, replayedLSN: replayed, synchronousStandbys: synchronousStandbys,
                publishedAt: publishedAt.map(LeaseTimestamp.init))
            return MemberDocument(
                status: status, postgres: SourceServer(host: postgresHost, port: postgresPort),
                statusAddress: statusAddress)
        }
    }
}

public enum MemberDocumentError: Error, Equatable, CustomStringConvertible {
    case malformed(member: String)

    public var description: String {
        switch self {
        case .malformed(let member): "the status of member \(member) is malformed"
        }
    }
}

extension JSONEncoder {
    /// Sorted keys: the same status always encodes to the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
