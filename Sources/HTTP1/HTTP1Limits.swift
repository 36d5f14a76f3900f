/// Every bound the HTTP/1.1 server enforces, each with its reason.
public struct HTTP1Limits: Sendable, Equatable {
    /// Request line plus header section. Browsers send a few KiB; 16 KiB leaves room for long
    /// cookies while keeping a flood of headers from costing memory (answered with 431).
    public var maximumHeadBytes: Int
    /// Header fields per request; many tiny headers cost more to index than their bytes suggest.
    public var maximumHeaderCount: Int
    /// Request target; API paths and filters are short (answered with 414).
    public var maximumTargetBytes: Int
    /// Request body. The API takes JSON documents of a few KiB; 1 MiB default (answered with 413
    /// before the body is read when Content-Length announces more).
    public var maximumBodyBytes: Int

    public init(
        maximumHeadBytes: Int = 16 * 1024, maximumHeaderCount: Int = 100, maximumTargetBytes: Int = 8 * 1024,
        maximumBodyBytes: Int = 1024 * 1024
    ) {
        self.maximumHeadBytes = maximumHeadBytes
        self.maximumHeaderCount = maximumHeaderCount
        self.maximumTargetBytes = maximumTargetBytes
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// Why a request could not be parsed, with the status the server answers before closing.
public struct HTTP1ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status) \(reason)" }

    static func badRequest(_ reason: String) -> HTTP1ParseError { HTTP1ParseError(status: 400, reason: reason) }
}
