public import FoundationEssentials

/// Text conversion of `timestamptz` values without DateFormatter (thread-safe, locale-free).
///
/// Connections set `TimeZone = UTC` and `DateStyle = ISO`, so the server writes
/// `2024-05-01 12:30:45.123456+00`; other offsets are accepted too.
public enum PostgresTimestamp {
    static let microsecondsPerSecond: Int64 = 1_000_000
    static let secondsPerDay: Int64 = 86_400

    /// UTC text with microsecond precision (PostgreSQL's own resolution).
    public static func format(_ date: Date) -> String {
        if date == .distantFuture { return "infinity" }
        if date == .distantPast { return "-infinity" }
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / (secondsPerDay * microsecondsPerSecond)
        var remainder = micros % (secondsPerDay * microsecondsPerSecond)
        if remainder < 0 {
            remainder += secondsPerDay * microsecondsPerSecond
            days -= 1
        }
        let (year, month, day) = civilDate(fromDaysSinceEpoch: days)
        let seconds = remainder / microsecondsPerSecond
        let fraction = remainder % microsecondsPerSecond
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(fraction, 6))+00"
    }

    /// Parses the server's ISO output; nil if it is not in that form (or is a BC date).
    public static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        let bytes = Array(text.utf8)
        var cursor = 0
        func number(_ digits: Int) -> Int64? {
            guard cursor + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[cursor..<cursor + digits] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            cursor += digits
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard cursor < bytes.count, bytes[cursor] == character else { return false }
            cursor += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2)
        else { return nil }
        var micros = daysSinceEpoch(year: year, month: month, day: day) * secondsPerDay * microsecondsPerSecond
        // A bare date (type `date`) stops here.
        guard cursor < bytes.count else { return Date(timeIntervalSince1970: Double(micros) / 1e6) }
        guard expect(32) || expect(84), let hour = number(2), expect(58), let minute = number(2), expect(58),
            let second = number(2)
        else { return nil }
        micros += ((hour * 60 + minute) * 60 + second) * microsecondsPerSecond
        if expect(46) {
            var scale: Int64 = 100_000
            var digits = 0
            while cursor < bytes.count, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                if digits < 6 { micros += Int64(bytes[cursor] - 48) * scale }
                scale /= 10
                digits += 1
                cursor += 1
            }
            guard digits > 0 else { return nil }
        }
        if cursor < bytes.count {
            let sign: Int64
            if expect(43) { sign = 1 } else if expect(45) { sign = -1 } else { return nil }
            guard let offsetHours = number(2) else { return nil }
            var offset = offsetHours * 3600
            if expect(58) {
                guard let minutes = number(2) else { return nil }
                offset += minutes * 60
                if expect(58) {
                    guard let seconds = number(2) else { return nil }
                    offset += seconds
                }
            }
            micros -= sign * offset * microsecondsPerSecond
        }
        guard cursor == bytes.count else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1e6)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
