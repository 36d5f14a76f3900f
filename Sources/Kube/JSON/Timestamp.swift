public import FoundationEssentials

/// An instant as Kubernetes writes it: RFC 3339 in UTC. `Time` fields (creationTimestamp,
/// conditions) have second precision, `MicroTime` fields (Lease acquireTime/renewTime, event
/// times) six fractional digits. The value is kept as whole seconds plus microseconds, not a
/// `Double`, so that a MicroTime read from the server is written back byte for byte.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// 0..<1_000_000.
    public var microseconds: Int32

    public init(seconds: Int64, microseconds: Int32 = 0) {
        let carry = Int64(microseconds) / 1_000_000
        var micros = microseconds % 1_000_000
        var secs = seconds + carry
        if micros < 0 {
            micros += 1_000_000
            secs -= 1
        }
        self.seconds = secs
        self.microseconds = micros
    }

    public init(_ date: Date) {
        let total = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let whole = Int64(total)
        self.init(seconds: whole / 1_000_000, microseconds: Int32(whole % 1_000_000))
    }

    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(microseconds) / 1_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.microseconds) < (rhs.seconds, rhs.microseconds)
    }

    /// `2024-01-01T00:00:00Z` (Kubernetes `Time`).
    public var rfc3339: String { Self.format(self, fraction: false) }
    /// `2024-01-01T00:00:00.000000Z` (Kubernetes `MicroTime`).
    public var rfc3339Micro: String { Self.format(self, fraction: true) }
    public var description: String { rfc3339Micro }

    /// Parses RFC 3339 with an optional fraction (any digits, truncated to microseconds) and a
    /// `Z` or `±hh:mm` offset.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 0x2D, let month = number(5..<7), bytes[7] == 0x2D,
            let day = number(8..<10), bytes[10] == 0x54 || bytes[10] == 0x74, let hour = number(11..<13),
            bytes[13] == 0x3A, let minute = number(14..<16), bytes[16] == 0x3A, let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros = 0
        if bytes[index] == 0x2E {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case 0x5A, 0x7A:
            guard index + 1 == bytes.count else { return nil }
        case 0x2B, 0x2D:
            guard index + 6 == bytes.count, let hours = number(index + 1..<index + 3), bytes[index + 3] == 0x3A,
                let minutes = number(index + 4..<index + 6)
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == 0x2B ? 1 : -1)
        default:
            return nil
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        self.init(seconds: secs, microseconds: Int32(micros))
    }

    private static func format(_ time: Timestamp, fraction: Bool) -> String {
        let days = Int(time.seconds >= 0 ? time.seconds / 86_400 : (time.seconds - 86_399) / 86_400)
        let secondOfDay = Int(time.seconds - Int64(days) * 86_400)
        let (year, month, day) = civilFromDays(days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction { text += "." + pad(Int(time.microseconds), 6) }
        return text + "Z"
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian, no time zones).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A Kubernetes `Time` (second precision). Encodes as `2024-01-01T00:00:00Z`.
public struct KubeTime: Codable, Sendable, Hashable, Comparable {
    public var timestamp: Timestamp

    public init(_ timestamp: Timestamp) { self.timestamp = Timestamp(seconds: timestamp.seconds) }
    public init(_ date: Date) { self.init(Timestamp(date)) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not RFC 3339: \(text)"))
        }
        timestamp = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(timestamp.rfc3339)
    }

    public static func < (lhs: KubeTime, rhs: KubeTime) -> Bool { lhs.timestamp < rhs.timestamp }
}

/// A Kubernetes `MicroTime`. Encodes as `2024-01-01T00:00:00.000000Z`.
public struct MicroTime: Codable, Sendable, Hashable, Comparable {
    public var timestamp: Timestamp

    public init(_ timestamp: Timestamp) { self.timestamp = timestamp }
    public init(_ date: Date) { self.init(Timestamp(date)) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not RFC 3339: \(text)"))
        }
        timestamp = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(timestamp.rfc3339Micro)
    }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.timestamp < rhs.timestamp }
}
