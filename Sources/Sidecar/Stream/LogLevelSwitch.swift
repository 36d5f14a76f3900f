public import Logging
import Synchronization

/// The process's log level, changeable at run time (SetLogLevel from the satellite). The main
/// bootstraps logging with `SwitchedLogHandler`s that all read this one switch.
public final class LogLevelSwitch: Sendable {
    private let current: Mutex<Logger.Level>

    public init(_ level: Logger.Level) {
        current = Mutex(level)
    }

    public var level: Logger.Level {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

/// A handler whose level is the switch's; everything else is the wrapped handler's.
public struct SwitchedLogHandler<Wrapped: LogHandler>: LogHandler {
    var wrapped: Wrapped
    let levels: LogLevelSwitch

    public init(_ wrapped: Wrapped, levels: LogLevelSwitch) {
        self.wrapped = wrapped
        self.levels = levels
    }

    public var logLevel: Logger.Level {
        get { levels.level }
        // A logger's own level change would otherwise change every logger's: keep it local.
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        wrapped.log(event: event)
    }
}
