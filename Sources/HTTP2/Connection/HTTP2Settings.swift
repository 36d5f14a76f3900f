/// The settings one endpoint has in force (RFC 9113 §6.5.2), starting from the protocol defaults.
public struct HTTP2Settings: Hashable, Sendable {
    public static let defaultHeaderTableSize: UInt32 = 4_096
    public static let defaultInitialWindowSize: UInt32 = 65_535
    public static let defaultMaxFrameSize: UInt32 = 16_384
    /// 2^31 - 1: the largest flow-control window (RFC 9113 §6.9.1).
    public static let maxWindowSize: UInt32 = 0x7FFF_FFFF
    /// 2^24 - 1: the largest frame size a peer may advertise (RFC 9113 §6.5.2).
    public static let maxAllowedFrameSize: UInt32 = 0xFF_FFFF

    public var headerTableSize: UInt32 = defaultHeaderTableSize
    public var enablePush = true
    /// nil: no limit announced (the protocol default is unlimited).
    public var maxConcurrentStreams: UInt32?
    public var initialWindowSize: UInt32 = defaultInitialWindowSize
    public var maxFrameSize: UInt32 = defaultMaxFrameSize
    /// nil: no limit announced.
    public var maxHeaderListSize: UInt32?
    public var enableConnectProtocol = false

    public init() {}

    /// Applies one already-validated setting. Unknown identifiers are ignored (§6.5.2).
    public mutating func apply(_ setting: HTTP2Setting) {
        switch setting.identifier {
        case .headerTableSize: headerTableSize = setting.value
        case .enablePush: enablePush = setting.value == 1
        case .maxConcurrentStreams: maxConcurrentStreams = setting.value
        case .initialWindowSize: initialWindowSize = setting.value
        case .maxFrameSize: maxFrameSize = setting.value
        case .maxHeaderListSize: maxHeaderListSize = setting.value
        case .enableConnectProtocol: enableConnectProtocol = setting.value == 1
        case .unknown: return
        }
    }

    /// Why a setting value is invalid, with the error code RFC 9113 §6.5.2 assigns; nil when valid.
    ///
    /// - Parameter sentByServer: a server must never enable push (§6.5.2, SETTINGS_ENABLE_PUSH).
    public static func violation(of setting: HTTP2Setting, sentByServer: Bool) -> (HTTP2ErrorCode, String)? {
        switch setting.identifier {
        case .enablePush:
            if setting.value > 1 { return (.protocolError, "ENABLE_PUSH must be 0 or 1, got \(setting.value)") }
            if sentByServer && setting.value == 1 { return (.protocolError, "a server sent ENABLE_PUSH=1") }
        case .enableConnectProtocol:
            if setting.value > 1 { return (.protocolError, "ENABLE_CONNECT_PROTOCOL must be 0 or 1") }
        case .initialWindowSize:
            if setting.value > maxWindowSize {
                return (.flowControlError, "INITIAL_WINDOW_SIZE \(setting.value) exceeds 2^31-1")
            }
        case .maxFrameSize:
            if setting.value < defaultMaxFrameSize || setting.value > maxAllowedFrameSize {
                return (.protocolError, "MAX_FRAME_SIZE \(setting.value) outside 16384...16777215")
            }
        case .headerTableSize, .maxConcurrentStreams, .maxHeaderListSize, .unknown:
            return nil
        }
        return nil
    }
}

/// Our own settings: those in force, and those sent but not yet acknowledged.
///
/// RFC 9113 §6.5.3: a sender may rely on its new settings only once the peer
/// acknowledges them, and ACKs arrive in the order the SETTINGS frames were sent.
struct LocalSettings: Sendable {
    private(set) var acknowledged = HTTP2Settings()
    private(set) var unacknowledged: [[HTTP2Setting]] = []

    mutating func sent(_ settings: [HTTP2Setting]) {
        unacknowledged.append(settings)
    }

    /// Applies the oldest unacknowledged frame; nil for an ACK we never asked for.
    mutating func acknowledgeOldest() -> [HTTP2Setting]? {
        guard !unacknowledged.isEmpty else { return nil }
        let settings = unacknowledged.removeFirst()
        for setting in settings {
            acknowledged.apply(setting)
        }
        return settings
    }
}
