/// A SETTINGS parameter identifier (RFC 9113 §6.5.2). Unknown identifiers are kept raw and ignored.
public enum HTTP2SettingIdentifier: Hashable, Sendable {
    case headerTableSize
    case enablePush
    case maxConcurrentStreams
    case initialWindowSize
    case maxFrameSize
    case maxHeaderListSize
    /// RFC 8441; validated (0 or 1) but otherwise unused by this engine.
    case enableConnectProtocol
    case unknown(UInt16)
}

extension HTTP2SettingIdentifier: RawRepresentable {
    public init(rawValue: UInt16) {
        switch rawValue {
        case 0x1: self = .headerTableSize
        case 0x2: self = .enablePush
        case 0x3: self = .maxConcurrentStreams
        case 0x4: self = .initialWindowSize
        case 0x5: self = .maxFrameSize
        case 0x6: self = .maxHeaderListSize
        case 0x8: self = .enableConnectProtocol
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: UInt16 {
        switch self {
        case .headerTableSize: 0x1
        case .enablePush: 0x2
        case .maxConcurrentStreams: 0x3
        case .initialWindowSize: 0x4
        case .maxFrameSize: 0x5
        case .maxHeaderListSize: 0x6
        case .enableConnectProtocol: 0x8
        case .unknown(let raw): raw
        }
    }
}

/// One identifier/value pair of a SETTINGS frame.
public struct HTTP2Setting: Hashable, Sendable {
    public var identifier: HTTP2SettingIdentifier
    public var value: UInt32

    public init(_ identifier: HTTP2SettingIdentifier, _ value: UInt32) {
        self.identifier = identifier
        self.value = value
    }
}

extension HTTP2Setting: CustomStringConvertible {
    public var description: String { "\(identifier)=\(value)" }
}
