/// Field-section syntax shared by the request and the response parser (RFC 9112 §5): where a
/// head ends, its lines, and one strictly checked field line. Each parser turns `Violation` into
/// its own error (400 for a request, `malformed` for a response).
enum HTTP1FieldSyntax {
    struct Violation: Error {
        let reason: String
    }

    /// Index just past the empty line that ends the head starting at `start`, or nil.
    static func headEnd(in buffer: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < buffer.count {
            guard buffer[index] == 10 else {
                index += 1
                continue
            }
            // A line feed; the head ends if the next line is empty (LF or CRLF).
            if index + 1 < buffer.count, buffer[index + 1] == 10 { return index + 2 }
            if index + 2 < buffer.count, buffer[index + 1] == 13, buffer[index + 2] == 10 { return index + 3 }
            index += 1
        }
        return nil
    }

    /// The non-empty lines of a head, without their line endings.
    static func lines(of bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }.filter { !$0.isEmpty }
    }

    /// `Name: value`, with the value trimmed. Obsolete line folding, names that are not tokens
    /// and control characters in values are refused: each is a known request-smuggling vector.
    static func field(_ line: ArraySlice<UInt8>) throws(Violation) -> (String, String) {
        guard let first = line.first, first != 32, first != 9 else {
            throw Violation(reason: "obsolete line folding is not accepted")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw Violation(reason: "header without colon")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw Violation(reason: "invalid header name") }
        let value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
            throw Violation(reason: "control character in header value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self).trimmingSpaces)
    }
}
