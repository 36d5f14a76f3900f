/// One event of a watch stream, as the server sent it.
public enum WatchEvent<Object: KubeObject>: Sendable {
    case added(Object)
    case modified(Object)
    /// The object's last state (with the resourceVersion of its deletion).
    case deleted(Object)
    /// Progress: every change up to this resourceVersion has been sent. No object.
    case bookmark(resourceVersion: String)
    /// The server ended the watch with this Status; code 410 (reason Expired) means the
    /// requested resourceVersion is too old: list again.
    case error(Status)

    /// The resourceVersion to resume after this event (none for errors).
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object.metadata.resourceVersion
        case .bookmark(let version): version
        case .error: nil
        }
    }
}

/// The wire form `{"type": "ADDED", "object": {...}}`, decoded straight into the event.
struct WireWatchEvent<Object: KubeObject>: Decodable {
    let event: WatchEvent<Object>

    private enum CodingKeys: String, CodingKey { case type, object }

    private struct Bookmark: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": event = .added(try container.decode(Object.self, forKey: .object))
        case "MODIFIED": event = .modified(try container.decode(Object.self, forKey: .object))
        case "DELETED": event = .deleted(try container.decode(Object.self, forKey: .object))
        case "BOOKMARK":
            let bookmark = try container.decode(Bookmark.self, forKey: .object)
            event = .bookmark(resourceVersion: bookmark.metadata?.resourceVersion ?? "")
        case "ERROR": event = .error(try container.decode(Status.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown watch event type \(type)")
        }
    }
}

/// Splits a watch body into lines (one JSON event each) across arbitrary chunk boundaries,
/// refusing a line longer than `limit` bytes instead of buffering without bound.
struct LineSplitter {
    let limit: Int
    private var pending: [UInt8] = []

    init(limit: Int) {
        self.limit = limit
    }

    enum Failure: Error { case lineTooLong }

    /// The complete lines in `chunk` (and what came before it), without their newline. Blank
    /// lines are skipped.
    mutating func append(_ chunk: some Sequence<UInt8>) throws(Failure) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == 0x0A {
                if !pending.isEmpty, pending != [0x0D] { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > limit { throw .lineTooLong }
            }
        }
        return lines
    }

    /// Whatever is left when the stream ends (a final event without a newline).
    mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        let rest = pending.filter { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }
        return rest.isEmpty ? nil : pending
    }
}
